import Fluent
import FluentPostgresDriver
import Foundation
import PostgresNIO
import SQLKit
import Vapor

/// Carries message events to every `tandem` process: on PostgreSQL through NOTIFY on one
/// channel (and a LISTEN in each process), on SQLite (one process) straight to this one.
enum MessageRelay {
    /// The channel, per database schema, so that schemas sharing a server stay apart.
    static func channel(_ settings: Settings) -> String {
        "tandem_messages_" + (settings.databaseSchema ?? "public").filter { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Publishes without failing the request: what was sent is stored either way, and pages
    /// catch up when their socket opens again.
    static func publishQuietly(_ event: MessageEvent, req: Request) async {
        do {
            try await publish(event, req: req)
        } catch {
            req.logger.warning("Relaying a message event failed: \(String(reflecting: type(of: error)))")
        }
    }

    static func publish(_ event: MessageEvent, req: Request) async throws {
        let payload = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        if req.tandem.settings.usesPostgres, let sql = req.db as? any SQLDatabase {
            try await sql.raw("SELECT pg_notify(\(bind: channel(req.tandem.settings)), \(bind: payload))").run()
        } else {
            await deliver(event, app: req.application)
        }
    }

    /// Turns an event into what the browsers of its recipients in this process receive.
    static func deliver(_ event: MessageEvent, app: Application) async {
        let hub = app.tandem.hub
        guard await hub.hasAny(event.recipients, in: event.organizationID) else { return }
        switch event.kind {
        case .message:
            guard let id = event.messageID,
                let message = try? await Message.query(on: app.db).filter(\.$id == id).first()
            else { return }
            let live = Self.live(message)
            guard let text = try? String(decoding: encoder.encode(live), as: UTF8.self) else { return }
            await hub.deliver(text, to: event.recipients, in: event.organizationID)
        case .read:
            guard let reader = event.readerID, let at = event.readAt else { return }
            let live = LiveRead(
                type: "read", engagementId: event.engagementID.uuidString, readerId: reader.uuidString, readAt: at)
            guard let text = try? String(decoding: encoder.encode(live), as: UTF8.self) else { return }
            await hub.deliver(text, to: event.recipients, in: event.organizationID)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(iso(date))
        }
        return encoder
    }()

    static let jsonEncoder: JSONEncoder = encoder

    /// Times in UTC to the millisecond ("2026-11-29T22:55:01.123Z"), so a page compares a
    /// read with the messages it covers and asks for what came after its newest.
    static func iso(_ date: Date) -> String { formatter().string(from: date) }

    static func date(_ text: String) -> Date? { formatter().date(from: text) }

    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    static func live(_ message: Message) -> LiveMessage {
        LiveMessage(
            type: "message", engagementId: message.engagementID.uuidString, id: message.id!.uuidString,
            senderId: message.senderID.uuidString, senderName: message.senderName, body: message.body,
            sentAt: message.createdAt)
    }

    struct LiveMessage: Codable, Sendable {
        let type: String
        let engagementId: String
        let id: String
        let senderId: String
        let senderName: String
        let body: String
        let sentAt: Date
    }

    struct LiveRead: Codable, Sendable {
        let type: String
        let engagementId: String
        let readerId: String
        let readAt: Date
    }
}

/// LISTENs on PostgreSQL for the events every process publishes and delivers them to the
/// sockets open here; on a lost connection it connects again after a pause.
final class MessageListener: LifecycleHandler, Sendable {
    private let task = BackgroundTask()

    func didBootAsync(_ app: Application) async throws {
        let settings = app.tandemSettings
        guard settings.usesPostgres, let url = settings.databaseURL, OutboxWorker.isServing(app) else { return }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let channel = MessageRelay.channel(settings)
        let logger = app.logger
        let running = Task {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        on: app.eventLoopGroup.next(), configuration: configuration, id: 0x4D45_5353, logger: logger)
                    attempt = 0
                    do {
                        let notifications = try await connection.listen(channel)
                        for try await notification in notifications {
                            guard
                                let event = try? JSONDecoder().decode(
                                    MessageEvent.self, from: Data(notification.payload.utf8))
                            else { continue }
                            await MessageRelay.deliver(event, app: app)
                        }
                        try? await connection.close()
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                } catch {
                    if Task.isCancelled { break }
                    attempt += 1
                    logger.warning(
                        "Listening for messages failed; trying again: \(String(reflecting: type(of: error)))")
                }
                try? await Task.sleep(nanoseconds: UInt64(min(attempt, 10)) * 500_000_000 + 100_000_000)
            }
        }
        task.start(running)
    }

    func shutdownAsync(_ app: Application) async {
        await app.tandem.hub.closeAll()
        await task.stop()
    }
}
