import Fluent
import FluentSQL
import Foundation
import TandemKit
import Vapor

/// Appends to the hash-chained audit trail. Appends are serialized: within one process
/// by chaining each append after the previous one (an actor alone would not do, since it
/// lets other calls in while one awaits the database), across PostgreSQL processes by a
/// transaction-scoped advisory lock.
actor AuditLog {
    enum Outcome: String, Sendable {
        case success, failure, denied
    }

    private let usesPostgres: Bool
    private var tail: Task<Void, Never>?

    init(usesPostgres: Bool) {
        self.usesPostgres = usesPostgres
    }

    func record(
        _ action: String, outcome: Outcome = .success, actor: UUID?, organization: UUID?,
        subjectType: String? = nil, subject: UUID? = nil, participant: UUID? = nil, requestID: String?,
        clientAddress: String? = nil, on database: any Database
    ) async throws {
        let previous = tail
        let append = Task {
            await previous?.value
            try await self.append(
                action, outcome: outcome, actor: actor, organization: organization, subjectType: subjectType,
                subject: subject, participant: participant, requestID: requestID, clientAddress: clientAddress,
                on: database)
        }
        tail = Task { _ = try? await append.value }
        try await append.value
    }

    private func append(
        _ action: String, outcome: Outcome, actor: UUID?, organization: UUID?, subjectType: String?, subject: UUID?,
        participant: UUID?, requestID: String?, clientAddress: String?, on database: any Database
    ) async throws {
        let usesPostgres = self.usesPostgres
        // Whole milliseconds, so the hashed time survives every database's precision.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        try await database.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            if usesPostgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(7411001)").run()
            }
            // Only the two columns the next link needs: appends happen on every page view.
            struct Tail: Decodable {
                let sequence: Int64
                let hash: String
            }
            let last = try await sql.raw("SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1")
                .first(decoding: Tail.self)
            let event = AuditEvent()
            event.id = UUID()
            event.sequence = (last?.sequence ?? 0) + 1
            event.occurredAt = now
            event.organizationID = organization
            event.actorID = actor
            event.action = action
            event.subjectType = subjectType
            event.subjectID = subject
            event.outcome = outcome.rawValue
            event.requestID = requestID
            event.clientAddress = clientAddress.map { String($0.prefix(64)) }
            event.participantID = participant
            event.previousHash = last?.hash ?? AuditChain.genesis
            event.hash = AuditChain.hash(previous: event.previousHash, fields: Self.fields(of: event))
            try await sql.insert(into: AuditEvent.schema)
                .columns(
                    "id", "sequence", "occurred_at", "organization_id", "actor_id", "action", "subject_type",
                    "subject_id", "outcome", "request_id", "client_address", "participant_id", "previous_hash", "hash"
                )
                .values(
                    SQLBind(event.id!), SQLBind(event.sequence), SQLBind(event.occurredAt),
                    SQLBind(event.organizationID),
                    SQLBind(event.actorID), SQLBind(event.action), SQLBind(event.subjectType), SQLBind(event.subjectID),
                    SQLBind(event.outcome), SQLBind(event.requestID), SQLBind(event.clientAddress),
                    SQLBind(event.participantID), SQLBind(event.previousHash), SQLBind(event.hash)
                ).run()
        }
    }

    static func fields(of event: AuditEvent) -> [String] {
        [
            String(event.sequence), String(Int64((event.occurredAt.timeIntervalSince1970 * 1000).rounded())),
            event.organizationID?.uuidString ?? "", event.actorID?.uuidString ?? "", event.action,
            event.subjectType ?? "", event.subjectID?.uuidString ?? "", event.outcome, event.requestID ?? "",
        ]
            + optionalFields(of: event)
    }

    /// Entries written before the client address or the participant was recorded hash without them.
    private static func optionalFields(of event: AuditEvent) -> [String] {
        if let participant = event.participantID {
            return [event.clientAddress ?? "", "participant:" + participant.uuidString]
        }
        return event.clientAddress.map { [$0] } ?? []
    }

    /// The sequence number of the first entry whose hash does not match, or nil when the chain
    /// is intact. Reads the trail in batches, so memory stays flat however long it grows.
    static func firstBrokenLink(on database: any Database, batchSize: Int = 1000) async throws -> Int64? {
        var previous = AuditChain.genesis
        var after: Int64 = 0
        while true {
            let batch = try await AuditEvent.query(on: database).filter(\.$sequence > after).sort(\.$sequence)
                .limit(batchSize).all()
            for event in batch {
                guard event.previousHash == previous,
                    event.hash == AuditChain.hash(previous: previous, fields: fields(of: event))
                else { return event.sequence }
                previous = event.hash
            }
            guard let last = batch.last, batch.count == batchSize else { return nil }
            after = last.sequence
        }
    }

    /// One page of an organization's entries, newest first. `action` is used only when it is
    /// one the organization's trail holds; `hasMore` says whether an older page exists.
    static func entries(
        of organization: UUID, action: String?, outcome: Outcome?, page: Int, pageSize: Int, on database: any Database
    ) async throws -> (events: [AuditEvent], hasMore: Bool) {
        var query = AuditEvent.query(on: database).filter(\.$organizationID == organization)
        if let action { query = query.filter(\.$action == action) }
        if let outcome { query = query.filter(\.$outcome == outcome.rawValue) }
        let events = try await query.sort(\.$sequence, .descending)
            .range(((page - 1) * pageSize)..<(page * pageSize + 1)).all()
        return (Array(events.prefix(pageSize)), events.count > pageSize)
    }

    /// The actions recorded for an organization, for the filter.
    static func actions(of organization: UUID, on database: any Database) async throws -> [String] {
        try await AuditEvent.query(on: database).filter(\.$organizationID == organization).unique().all(\.$action)
            .sorted()
    }
}

extension Request {
    /// Records an audit entry for the signed-in actor (or `actor` when given) of this request.
    func audit(
        _ action: String, outcome: AuditLog.Outcome = .success, actor: UUID? = nil, organization: UUID? = nil,
        subjectType: String? = nil, subject: UUID? = nil, participant: UUID? = nil
    ) async throws {
        try await tandem.audit.record(
            action, outcome: outcome, actor: actor ?? webSession?.$user.id,
            organization: organization ?? webSession?.$organization.id, subjectType: subjectType, subject: subject,
            participant: participant,
            // Only the id this server made: a client's header must not write into the trail.
            requestID: logger[metadataKey: "request-id"]?.description, clientAddress: remoteAddress?.ipAddress,
            on: db)
    }
}
