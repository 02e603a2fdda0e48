import Fluent
import Vapor

/// Where a request's frequent small writes go (a check-in, a message, a reading point), with
/// the audit entry that records them. On SQLite both join the audit queue and commit
/// together with whatever else is waiting there (`AuditLog.commit`): one transaction and one
/// sync to disk for many requests, each of which still returns only once its write is on
/// disk. On PostgreSQL, which syncs many sessions' commits together itself, the write goes
/// straight to the pool and the entry to the audit trail after it.
struct FrequentWrites: Sendable {
    let database: any Database
    let audit: AuditLog
    let together: Bool

    func run(_ work: @escaping AuditLog.Work, audited entry: AuditLog.Entry? = nil) async throws {
        if together { return try await audit.commit(work, entry: entry, on: database) }
        try await work(database)
        if let entry { try await audit.record([entry], on: database) }
    }
}

extension Request {
    var frequentWrites: FrequentWrites {
        FrequentWrites(database: writeDB, audit: tandem.audit, together: !settings.usesPostgres)
    }
}
