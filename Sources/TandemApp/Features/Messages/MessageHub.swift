import Foundation
import Vapor

/// The live side of messaging in one process: the web sockets open here, by the user they
/// belong to. Events reach it from this process (SQLite) or from PostgreSQL's LISTEN (every
/// process hears every other's NOTIFY), and it pushes each to its recipients' sockets here.
actor MessageHub {
    private var sockets: [UUID: [ObjectIdentifier: WebSocket]] = [:]

    func add(_ socket: WebSocket, for user: UUID) {
        sockets[user, default: [:]][ObjectIdentifier(socket)] = socket
    }

    func remove(_ socket: WebSocket, for user: UUID) {
        sockets[user]?[ObjectIdentifier(socket)] = nil
        if sockets[user]?.isEmpty == true { sockets[user] = nil }
    }

    /// How many sockets are open here.
    var count: Int { sockets.values.reduce(0) { $0 + $1.count } }

    /// Sends `text` to every socket of `users` open in this process.
    func deliver(_ text: String, to users: [UUID]) {
        for user in users {
            for socket in sockets[user]?.values ?? [:].values where !socket.isClosed {
                socket.send(text)
            }
        }
    }
}

/// What one process tells the others (and itself) after a message is sent or a thread read:
/// ids only, never the text, so nothing personal passes through PostgreSQL's notifications.
struct MessageEvent: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case message, read
    }

    let kind: Kind
    let engagementID: UUID
    /// The message sent (for `message`).
    let messageID: UUID?
    /// Who read the thread, and up to when (for `read`).
    let readerID: UUID?
    let readAt: Date?
    let recipients: [UUID]
}
