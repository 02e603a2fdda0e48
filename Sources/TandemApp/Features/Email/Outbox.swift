import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// One e-mail waiting for, or past, delivery.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "email_outbox"

    /// queued → sending → committing → sent. A failed try before the message was handed over
    /// goes back to queued with a later `nextAttemptAt`; after too many, or a refusal for
    /// good, it is failed. `committing` is written just before the final dot of DATA: a
    /// message found there after a crash may have been delivered and is never sent again.
    enum Status: String, Codable, Sendable {
        case queued, sending, committing, sent, failed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    /// Emptied once sent: the outbox keeps that a message went, not what it said.
    @Field(key: "body") var body: String
    @Field(key: "kind") var kind: String
    /// At most one message per key (a reminder for one appointment at one time, say).
    @Field(key: "dedupe_key") var dedupeKey: String?
    @Enum(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// What went wrong last: the stage and reply code, never the message.
    @Field(key: "last_error") var lastError: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "sent_at") var sentAt: Date?

    init() {}
}

/// The durable outbox: messages are written to the database first and sent by the worker,
/// so a message survives a restart, is tried again with growing waits, and is never sent
/// twice (each is claimed before sending, and one that may have reached the server is not
/// tried again).
enum Outbox {
    /// Queues a message; false when its `dedupeKey` is already taken or the address is not one.
    @discardableResult
    static func enqueue(
        on db: any Database, organizationID: UUID?, recipient: String, subject: String, body: String, kind: String,
        dedupeKey: String? = nil, now: Date = Date()
    ) async throws -> Bool {
        guard EmailMessage.isAddress(recipient), let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw(
            """
            INSERT INTO email_outbox (id, organization_id, recipient, subject, body, kind, dedupe_key, status, \
            attempts, next_attempt_at, last_error, created_at) VALUES (\(bind: UUID()), \(bind: organizationID), \
            \(bind: recipient), \(bind: subject), \(bind: body), \(bind: kind), \(bind: dedupeKey), 'queued', 0, \
            \(bind: now), '', \(bind: now)) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// After a restart: messages caught before the hand-over go back to the queue; those
    /// caught during it are marked failed, since they may have been delivered.
    static func recover(on db: any Database) async throws {
        try await OutboxMessage.query(on: db).filter(\.$status == .sending).set(\.$status, to: .queued).update()
        try await OutboxMessage.query(on: db).filter(\.$status == .committing)
            .set(\.$status, to: .failed).set(\.$lastError, to: "interrupted while the server was accepting it")
            .update()
    }

    /// Sends the messages that are due, one at a time; returns how many were accepted.
    static func deliverDue(
        on db: any Database, client: SMTPClient, now: Date = Date(), retryBase: TimeInterval, limit: Int = 50
    ) async throws -> Int {
        let due = try await OutboxMessage.query(on: db).filter(\.$status == .queued)
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(limit).all()
        var sent = 0
        for message in due {
            guard try await claim(message.id!, from: .queued, to: .sending, on: db) else { continue }
            message.attempts += 1
            let email = EmailMessage(
                from: client.configuration.from, to: message.recipient, subject: message.subject, body: message.body,
                messageID:
                    "<\(message.id!.uuidString.lowercased())@\(client.configuration.from.split(separator: "@").last ?? "tandem")>"
            )
            do {
                let id = message.id!
                try await client.send(email, to: message.recipient, date: now) {
                    guard try await claim(id, from: .sending, to: .committing, on: db) else {
                        throw SMTPFailure.transient("claimed elsewhere")
                    }
                }
                message.status = .sent
                message.sentAt = Date()
                message.body = ""
                message.lastError = ""
                sent += 1
            } catch let failure as SMTPFailure {
                switch failure {
                case .permanent(let text):
                    message.status = .failed
                    message.lastError = text
                case .transient(let text):
                    let exhausted = message.attempts >= OutboxRetry.maxAttempts
                    message.status = exhausted ? .failed : .queued
                    message.lastError = text
                    message.nextAttemptAt = now.addingTimeInterval(
                        OutboxRetry.delay(afterAttempt: message.attempts, base: retryBase))
                case .uncertain(let text):
                    message.status = .failed
                    message.lastError = "may have been delivered: " + text
                }
            } catch {
                message.status = .queued
                message.lastError = "unexpected: \(type(of: error))"
                message.nextAttemptAt = now.addingTimeInterval(
                    OutboxRetry.delay(afterAttempt: message.attempts, base: retryBase))
            }
            try await message.save(on: db)
        }
        return sent
    }

    /// Moves a message from one state to the next, if it is still in the first.
    static func claim(_ id: UUID, from: OutboxMessage.Status, to: OutboxMessage.Status, on db: any Database)
        async throws -> Bool
    {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw(
            """
            UPDATE email_outbox SET status = \(bind: to.rawValue) WHERE id = \(bind: id) \
            AND status = \(bind: from.rawValue) RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }
}
