import Foundation
import Vapor

/// The live side of messaging in one process: the web sockets open here, by the user they
/// belong to. Events reach it from this process (SQLite) or from PostgreSQL's LISTEN (every
/// process hears every other's NOTIFY), and it pushes each to its recipients' sockets here.
actor MessageHub {
    private struct Entry {
        let socket: WebSocket
        let organizationID: UUID
    }

    private var sockets: [UUID: [ObjectIdentifier: Entry]] = [:]

    func add(_ socket: WebSocket, for user: UUID, in organizationID: UUID) {
        sockets[user, default: [:]][ObjectIdentifier(socket)] = Entry(socket: socket, organizationID: organizationID)
    }

    func remove(_ socket: WebSocket, for user: UUID) {
        sockets[user]?[ObjectIdentifier(socket)] = nil
        if sockets[user]?.isEmpty == true { sockets[user] = nil }
    }

    /// How many sockets are open here.
    var count: Int { sockets.values.reduce(0) { $0 + $1.count } }

    func hasAny(_ users: [UUID], in organizationID: UUID) -> Bool {
        users.contains { sockets[$0]?.values.contains { $0.organizationID == organizationID } == true }
    }

    /// Sends `text` to the sockets of `users` open here for that organization.
    func deliver(_ text: String, to users: [UUID], in organizationID: UUID) {
        for user in users {
            for entry in sockets[user]?.values ?? [:].values
            where entry.organizationID == organizationID && !entry.socket.isClosed {
                entry.socket.send(text)
            }
        }
    }

    /// At shutdown: an open socket would otherwise hold the server up.
    func closeAll() async {
        let open = sockets.values.flatMap { $0.values.map(\.socket) }
        sockets = [:]
        for socket in open { try? await socket.close() }
    }
}

/// What one process tells the others (and itself) after a message is sent or a thread read:
/// ids only, never the text, so nothing personal passes through PostgreSQL's notifications.
struct MessageEvent: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case message, read
    }

    let kind: Kind
    let organizationID: UUID
    let engagementID: UUID
    /// The message sent (for `message`).
    let messageID: UUID?
    /// Who read the thread, and up to when (for `read`).
    let readerID: UUID?
    let readAt: Date?
    let recipients: [UUID]
}
