import Fluent
import FluentSQL
import Foundation
import TandemKit
import Vapor

/// Appends to the hash-chained audit trail. Appends are serialized: within one process
/// entries wait in a queue and are written in order by one writer, across PostgreSQL
/// processes by a transaction-scoped advisory lock. Entries that arrive while a write is
/// under way go together in the next transaction (group commit): one commit, and one sync
/// to disk, for all of them, while every caller still returns only once its entry is stored.
///
/// On SQLite the queue also carries the frequent small writes that come with an entry (a
/// check-in, a message: `Request.frequentWrites`): a write and its entry commit together,
/// with everything else waiting, in one transaction and one sync to disk. With
/// `synchronous = FULL` each commit waits for the disk, and the one writer connection makes
/// them one after another, so a commit per write left the writer waiting on syncs.
actor AuditLog {
    enum Outcome: String, Sendable {
        case success, failure, denied
    }

    /// One entry before it has its place in the chain.
    struct Entry: Sendable {
        let action: String
        let outcome: Outcome
        let actor: UUID?
        let organization: UUID?
        let subjectType: String?
        let subject: UUID?
        let participant: UUID?
        let requestID: String?
        let clientAddress: String?
    }

    /// A write that goes with an entry: statements on the transaction it is given, nothing else.
    typealias Work = @Sendable (any Database) async throws -> Void

    private struct Waiting {
        let entry: Entry?
        let work: Work?
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let usesPostgres: Bool
    private var waiting: [Waiting] = []
    /// Entries and writes waiting for the next transaction.
    var queued: Int { waiting.count }
    private var writing = false
    /// The most entries written in one transaction.
    static let batchLimit = 200

    init(usesPostgres: Bool) {
        self.usesPostgres = usesPostgres
    }

    func record(
        _ action: String, outcome: Outcome = .success, actor: UUID?, organization: UUID?,
        subjectType: String? = nil, subject: UUID? = nil, participant: UUID? = nil, requestID: String?,
        clientAddress: String? = nil, on database: any Database
    ) async throws {
        try await enqueue(
            Entry(
                action: action, outcome: outcome, actor: actor, organization: organization, subjectType: subjectType,
                subject: subject, participant: participant, requestID: requestID,
                clientAddress: clientAddress.map { String($0.prefix(64)) }), on: database)
    }

    /// Several entries at once (one for each person named in an export): they wait in the
    /// queue together and go in a few transactions, instead of one commit, and one sync to
    /// disk, after another.
    func record(_ entries: [Entry], on database: any Database) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for entry in entries { group.addTask { try await self.enqueue(entry, on: database) } }
            try await group.waitForAll()
        }
    }

    /// `work` and, when given, its entry, committed together with what else is waiting
    /// (SQLite only: see the type's description).
    func commit(_ work: @escaping Work, entry: Entry?, on database: any Database) async throws {
        try await enqueue(entry, work: work, on: database)
    }

    private func enqueue(_ entry: Entry?, work: Work? = nil, on database: any Database) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(entry: entry, work: work, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain(on: database) }
            }
        }
    }

    /// Writes what is waiting, batch after batch, until nothing is left.
    private func drain(on database: any Database) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.batchLimit))
            waiting.removeFirst(batch.count)
            do {
                try await writeInTime(batch, on: database)
                for item in batch { item.continuation.resume() }
            } catch  where DatabaseUnavailable.matches(error) {
                // The database is away: entry by entry would only wait longer for the same answer.
                for item in batch { item.continuation.resume(throwing: error) }
            } catch {
                // One failure (an entry, or a write's uniqueness conflict) must not fail
                // everyone who happened to arrive with it: each goes again on its own.
                for item in batch {
                    do {
                        try await writeInTime([item], on: database)
                        item.continuation.resume()
                    } catch {
                        item.continuation.resume(throwing: error)
                    }
                }
            }
        }
        writing = false
    }

    /// How long one write may take before its callers are told the database is unavailable.
    static let writeDeadline: Duration = .seconds(15)

    /// A write that does not finish in time fails its callers, so the queue moves on: a
    /// connection left hanging when the database went away must not hold up every audit
    /// entry after it, and with them every request that records one.
    private func writeInTime(_ batch: [Waiting], on database: any Database) async throws {
        let entries = batch.compactMap(\.entry)
        let works = batch.compactMap(\.work)
        try await Deadline.run(Self.writeDeadline) { try await self.write(entries, works: works, on: database) }
    }

    /// The chain's last link as this process last wrote it (SQLite only).
    private var tail: Tail?

    struct Tail: Sendable {
        let sequence: Int64
        let hash: String
    }

    private func write(_ entries: [Entry], works: [Work], on database: any Database) async throws {
        // Whole milliseconds, so the hashed time survives every database's precision.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        if usesPostgres {
            try await database.transaction { db in
                guard let sql = db as? any SQLDatabase else { return }
                for work in works { try await work(db) }
                guard !entries.isEmpty else { return }
                try await Self.lockChain(sql)
                _ = try await Self.insert(entries, after: try await Self.readTail(sql), at: now, on: sql)
            }
            return
        }
        if !works.isEmpty {
            try await writeWithWorks(entries, works: works, at: now, on: database)
            return
        }
        guard let sql = database as? any SQLDatabase else { return }
        // On SQLite one multi-row INSERT is already one atomic write, and this process is
        // nearly always the only writer, so the last link is remembered instead of read in
        // a transaction each time (one trip to the database instead of four). Another
        // process that appended in between makes the sequence collide with its entry; the
        // chain's end is then read again and the batch goes after it.
        for attempt in 1...2 {
            let after: Tail?
            if let known = tail { after = known } else { after = try await Self.readTail(sql) }
            do {
                tail = try await Self.insert(entries, after: after, at: now, on: sql)
                return
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt == 1 {
                tail = nil
            } catch {
                tail = nil
                throw error
            }
        }
    }

    /// The writes and their entries in one SQLite transaction. The chain's end is the one
    /// remembered, or read when unknown; a collision with another process's entry reads it
    /// again and the transaction goes once more.
    private func writeWithWorks(_ entries: [Entry], works: [Work], at now: Date, on database: any Database)
        async throws
    {
        for attempt in 1...2 {
            let known = tail
            do {
                let last = try await database.transaction { db -> Tail? in
                    for work in works { try await work(db) }
                    guard !entries.isEmpty, let sql = db as? any SQLDatabase else { return known }
                    let after: Tail?
                    if let known { after = known } else { after = try await Self.readTail(sql) }
                    return try await Self.insert(entries, after: after, at: now, on: sql)
                }
                tail = last
                return
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt == 1 && known != nil {
                tail = nil
            } catch {
                tail = nil
                throw error
            }
        }
    }

    /// On PostgreSQL, holds the chain for the rest of the transaction: appends from every
    /// process take their turn.
    static func lockChain(_ sql: any SQLDatabase) async throws {
        try await sql.raw("SELECT pg_advisory_xact_lock(7411001)").run()
    }

    static func readTail(_ sql: any SQLDatabase) async throws -> Tail? {
        // Only the two columns the next link needs.
        struct Row: Decodable {
            let sequence: Int64
            let hash: String
        }
        return try await sql.raw("SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1")
            .first(decoding: Row.self).map { Tail(sequence: $0.sequence, hash: $0.hash) }
    }

    /// Appends `entries` after `last` in one statement; returns the new last link. `times`,
    /// when given, holds each entry's own time (whole milliseconds) instead of `now`: a
    /// generated history dated in the past (`tandem seed`).
    static func insert(
        _ entries: [Entry], after last: Tail?, at now: Date, times: [Date]? = nil, on sql: any SQLDatabase
    ) async throws -> Tail {
        var sequence = last?.sequence ?? 0
        var previous = last?.hash ?? AuditChain.genesis
        let insert = sql.insert(into: AuditEvent.schema)
            .columns(
                "id", "sequence", "occurred_at", "organization_id", "actor_id", "action", "subject_type",
                "subject_id", "outcome", "request_id", "client_address", "participant_id", "previous_hash", "hash"
            )
        for (index, entry) in entries.enumerated() {
            let event = AuditEvent()
            event.id = UUID()
            sequence += 1
            event.sequence = sequence
            event.occurredAt = times?[index] ?? now
            event.organizationID = entry.organization
            event.actorID = entry.actor
            event.action = entry.action
            event.subjectType = entry.subjectType
            event.subjectID = entry.subject
            event.outcome = entry.outcome.rawValue
            event.requestID = entry.requestID
            event.clientAddress = entry.clientAddress
            event.participantID = entry.participant
            event.previousHash = previous
            event.hash = AuditChain.hash(previous: previous, fields: fields(of: event))
            previous = event.hash
            insert.values(
                SQLBind(event.id!), SQLBind(event.sequence), SQLBind(event.occurredAt),
                SQLBind(event.organizationID),
                SQLBind(event.actorID), SQLBind(event.action), SQLBind(event.subjectType), SQLBind(event.subjectID),
                SQLBind(event.outcome), SQLBind(event.requestID), SQLBind(event.clientAddress),
                SQLBind(event.participantID), SQLBind(event.previousHash), SQLBind(event.hash))
        }
        try await insert.run()
        return Tail(sequence: sequence, hash: previous)
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
            // Requests share this thread (an event loop): let them run between batches.
            await Task.yield()
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
            [
                auditEntry(
                    action, outcome: outcome, actor: actor, organization: organization, subjectType: subjectType,
                    subject: subject, participant: participant)
            ], on: writeDB)
    }

    /// The entry `audit(…)` would record, for a write that carries it (`FrequentWrites`).
    func auditEntry(
        _ action: String, outcome: AuditLog.Outcome = .success, actor: UUID? = nil, organization: UUID? = nil,
        subjectType: String? = nil, subject: UUID? = nil, participant: UUID? = nil
    ) -> AuditLog.Entry {
        AuditLog.Entry(
            action: action, outcome: outcome, actor: actor ?? webSession?.$user.id,
            organization: organization ?? webSession?.$organization.id, subjectType: subjectType, subject: subject,
            participant: participant,
            // Only the id this server made: a client's header must not write into the trail.
            requestID: logger[metadataKey: "request-id"]?.description,
            clientAddress: clientAddress.map { String($0.prefix(64)) })
    }

    /// One entry for each of `participants` (`subject` gives each one's subject, by default
    /// the person), written together.
    func audit(
        _ action: String, participants: some Sequence<UUID>, actor: UUID?, organization: UUID?,
        subjectType: String = "participant", subject: (UUID) -> UUID? = { $0 }
    ) async throws {
        let requestID = logger[metadataKey: "request-id"]?.description
        let address = clientAddress.map { String($0.prefix(64)) }
        try await tandem.audit.record(
            participants.map {
                AuditLog.Entry(
                    action: action, outcome: .success, actor: actor, organization: organization,
                    subjectType: subjectType, subject: subject($0), participant: $0, requestID: requestID,
                    clientAddress: address)
            }, on: writeDB)
    }
}
