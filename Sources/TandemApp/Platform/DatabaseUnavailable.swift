import AsyncKit
import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import SQLiteNIO

/// Errors that mean the database cannot be reached or written just now, rather than that
/// the request was wrong: PostgreSQL stopped, restarting or refusing connections, a pool with
/// no connection to give, or a disk too full for SQLite to write. They are answered 503 with
/// Retry-After, and the next request tries again: nothing needs restarting.
enum DatabaseUnavailable {
    static let retryAfterSeconds = 5

    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let postgres as PSQLError:
            switch postgres.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // 57P01-57P03: shutting down, crashed, starting up; 08: connection exceptions;
                // 53300: too many connections.
                let state = postgres.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("57P") || state.hasPrefix("08") || state == "53300"
            default:
                return false
            }
        case let sqlite as SQLiteError:
            return [.full, .ioError, .busy, .locked, .ioErrorFailedWrite, .ioErrorFailedSync].contains(sqlite.reason)
        case is ConnectionPoolTimeoutError, is ConnectionPoolError, is NIOConnectionError, is ChannelError,
            is Deadline.Exceeded:
            return true
        case let io as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ENOSPC].contains(io.errnoCode)
        default:
            return false
        }
    }
}
