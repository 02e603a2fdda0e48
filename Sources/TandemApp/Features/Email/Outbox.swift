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
    /// Emptied once sent, failed or expired: the outbox keeps that a message went, not what it said.
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
    /// Who holds the message while sending it, and since when (a lease: see `Outbox.recover`).
    @Field(key: "claim_token") var claimToken: String?
    @Field(key: "claimed_at") var claimedAt: Date?
    /// After this it is no longer worth sending (a reminder past its time, a link that stopped working).
    @Field(key: "expires_at") var expiresAt: Date?

    init() {}
}

/// The durable outbox: messages are written to the database first and sent by the worker,
/// so a message survives a restart and is tried again with growing waits. It is never sent
/// twice: each is leased before sending (a random token and the time), every later change
/// is made only by the lease's holder, and one that may have reached the server is not
/// tried again.
enum Outbox {
    /// How long a lease lasts: well beyond one SMTP conversation (`SMTPConfiguration.timeout`),
    /// so only a holder that died leaves one to expire.
    static let leaseSeconds: TimeInterval = 600

    /// Queues a message; false when its `dedupeKey` is already taken or the address is not one.
    @discardableResult
    static func enqueue(
        on db: any Database, organizationID: UUID?, recipient: String, subject: String, body: String, kind: String,
        dedupeKey: String? = nil, expiresAt: Date? = nil, now: Date = Date()
    ) async throws -> Bool {
        guard EmailMessage.isAddress(recipient), let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw(
            """
            INSERT INTO email_outbox (id, organization_id, recipient, subject, body, kind, dedupe_key, status, \
            attempts, next_attempt_at, last_error, created_at, expires_at) VALUES (\(bind: UUID()), \
            \(bind: organizationID), \(bind: recipient), \(bind: subject), \(bind: body), \(bind: kind), \
            \(bind: dedupeKey), 'queued', 0, \(bind: now), '', \(bind: now), \(bind: expiresAt)) \
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// Settles what a holder that died left behind, once its lease has run out: a message
    /// caught before the hand-over goes back to the queue; one caught during it is marked
    /// failed, since it may have been delivered. Messages past their time are let go.
    static func recover(on db: any Database, now: Date = Date()) async throws {
        let expired = now.addingTimeInterval(-leaseSeconds)
        try await OutboxMessage.query(on: db).filter(\.$status == .sending).filter(\.$claimedAt < expired)
            .set(\.$status, to: .queued).set(\.$claimToken, to: nil).update()
        try await OutboxMessage.query(on: db).filter(\.$status == .committing).filter(\.$claimedAt < expired)
            .set(\.$status, to: .failed).set(\.$body, to: "")
            .set(\.$lastError, to: "interrupted while the server was accepting it").update()
        try await OutboxMessage.query(on: db).filter(\.$status == .queued).filter(\.$expiresAt <= now)
            .set(\.$status, to: .failed).set(\.$body, to: "").set(\.$lastError, to: "expired before it could be sent")
            .update()
    }

    /// Sends the messages that are due, one at a time; returns how many were accepted. A mail
    /// server that cannot be reached or refuses Tandem itself ends the round: the message is
    /// tried again later and the others wait their turn.
    static func deliverDue(
        on db: any Database, client: SMTPClient, now: Date = Date(), retryBase: TimeInterval, limit: Int = 50
    ) async throws -> Int {
        try await recover(on: db, now: now)
        let due = try await OutboxMessage.query(on: db).filter(\.$status == .queued)
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(limit).all()
        var sent = 0
        for message in due {
            let token = UUID().uuidString
            guard try await lease(message.id!, token: token, now: now, on: db) else { continue }
            let attempts = message.attempts + 1
            let domain = client.configuration.from.split(separator: "@").last.map(String.init) ?? "tandem"
            let email = EmailMessage(
                from: client.configuration.from, to: message.recipient, subject: message.subject, body: message.body,
                messageID: "<\(message.id!.uuidString.lowercased())@\(domain)>")
            let id = message.id!
            let retry = now.addingTimeInterval(OutboxRetry.delay(afterAttempt: attempts, base: retryBase))
            let exhausted = attempts >= OutboxRetry.maxAttempts
            do {
                try await client.send(email, to: message.recipient, date: now) {
                    guard try await move(id, token: token, from: [.sending], set: [.status(.committing)], on: db)
                    else { throw SMTPFailure.unavailable("the lease was lost") }
                }
                _ = try await finish(id, token: token, status: .sent, error: "", on: db, sentAt: Date())
                sent += 1
            } catch let failure as SMTPFailure {
                switch failure {
                case .permanent(let text):
                    _ = try await finish(id, token: token, status: .failed, error: text, on: db)
                case .transient(let text):
                    _ = try await finish(
                        id, token: token, status: exhausted ? .failed : .queued, error: text, on: db, retryAt: retry)
                case .unavailable(let text):
                    _ = try await finish(
                        id, token: token, status: exhausted ? .failed : .queued, error: text, on: db, retryAt: retry)
                    return sent
                case .uncertain(let text):
                    _ = try await finish(
                        id, token: token, status: .failed, error: "may have been delivered: " + text, on: db)
                }
            } catch {
                _ = try await finish(
                    id, token: token, status: .queued, error: "unexpected: \(type(of: error))", on: db, retryAt: retry)
                return sent
            }
        }
        return sent
    }

    /// Takes a queued message for sending: true only for the one process that got it.
    static func lease(_ id: UUID, token: String, now: Date, on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw(
            """
            UPDATE email_outbox SET status = 'sending', claim_token = \(bind: token), claimed_at = \(bind: now), \
            attempts = attempts + 1 WHERE id = \(bind: id) AND status = 'queued' RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// One column's new value in `move`.
    enum Assignment {
        case status(OutboxMessage.Status)
        case lastError(String)
        case sentAt(Date)
        case nextAttemptAt(Date)
        case clearClaim
        case clearBody
    }

    /// A change by the lease's holder, made only while it holds the lease in one of `from`.
    static func move(
        _ id: UUID, token: String, from: [OutboxMessage.Status], set assignments: [Assignment], on db: any Database
    ) async throws -> Bool {
        guard let sql = db as? any SQLDatabase, !assignments.isEmpty else { return false }
        var query = SQLQueryString("UPDATE email_outbox SET ")
        for (index, assignment) in assignments.enumerated() {
            if index > 0 { query.appendInterpolation(unsafeRaw: ", ") }
            switch assignment {
            case .status(let status):
                query.appendInterpolation(unsafeRaw: "status = ")
                query.appendInterpolation(bind: status.rawValue)
            case .lastError(let text):
                query.appendInterpolation(unsafeRaw: "last_error = ")
                query.appendInterpolation(bind: text)
            case .sentAt(let date):
                query.appendInterpolation(unsafeRaw: "sent_at = ")
                query.appendInterpolation(bind: date)
            case .nextAttemptAt(let date):
                query.appendInterpolation(unsafeRaw: "next_attempt_at = ")
                query.appendInterpolation(bind: date)
            case .clearClaim: query.appendInterpolation(unsafeRaw: "claim_token = NULL")
            case .clearBody: query.appendInterpolation(unsafeRaw: "body = ''")
            }
        }
        query.appendInterpolation(unsafeRaw: " WHERE status IN (")
        query.appendInterpolation(binds: from.map(\.rawValue))
        query.appendInterpolation(unsafeRaw: ") AND id = ")
        query.appendInterpolation(bind: id)
        query.appendInterpolation(unsafeRaw: " AND claim_token = ")
        query.appendInterpolation(bind: token)
        query.appendInterpolation(unsafeRaw: " RETURNING id")
        return !(try await sql.raw(query).all()).isEmpty
    }

    /// The end of an attempt: sent, failed (the text let go) or queued again for `retryAt`.
    static func finish(
        _ id: UUID, token: String, status: OutboxMessage.Status, error: String, on db: any Database,
        sentAt: Date? = nil, retryAt: Date? = nil
    ) async throws -> Bool {
        var assignments: [Assignment] = [.status(status), .lastError(error), .clearClaim]
        if status != .queued { assignments.append(.clearBody) }
        if let sentAt { assignments.append(.sentAt(sentAt)) }
        if let retryAt { assignments.append(.nextAttemptAt(retryAt)) }
        return try await move(id, token: token, from: [.sending, .committing], set: assignments, on: db)
    }
}
