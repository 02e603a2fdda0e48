import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The parts of `tandem seed` beyond caseloads: a history of check-ins, participants who can
/// sign in with API tokens (for benchmarking check-ins and messages under load), the audit
/// trail of the seeded history, and each organization's meetings.
enum SeedExtras {
    /// `perPerson(n)` check-ins for the person numbered n, on the days just before today, so a
    /// check-in sent today is new. Answers vary by day, the same for every run.
    static func checkIns(
        _ people: [SeedPerson], perPerson: (Int) -> Int, today: CalendarDate, now: Date, on sql: any SQLDatabase
    ) async throws {
        let most = people.map { perPerson($0.index) }.max() ?? 0
        guard most > 0 else { return }
        let days = (1...most).compactMap { today.adding(days: -$0)?.description }
        var rows = SeedRows(
            CheckIn.schema,
            [
                "id", "organization_id", "participant_id", "local_date", "mood", "craving", "substance_use",
                "supports", "went_well", "reach_out", "followed_up_at", "followed_up_by", "created_at", "updated_at",
            ], on: sql)
        let none: UUID? = nil
        let never: Date? = nil
        for person in people {
            for (index, day) in days.prefix(perPerson(person.index)).enumerated() {
                let wave = (person.index + index) % 7
                try await rows.add([
                    UUID(), person.organizationID, person.participantID, day, 1 + wave % 5, (wave * 3) % 11,
                    wave == 6 ? "prefer_not_to_say" : "no", wave % 2 == 0 ? "coach" : "mutual_help_meeting", "",
                    "none", never, none, now, now,
                ])
            }
        }
        try await rows.flush()
    }

    /// A participant sign-in and an API token for each person given a user id; returns
    /// `token participant-id` lines. Written before the people, whose rows name these users.
    static func accounts(_ people: [SeedPerson], passwordHash: String, now: Date, on sql: any SQLDatabase)
        async throws -> [String]
    {
        var users = SeedRows.users(on: sql)
        var memberships = SeedRows.memberships(on: sql)
        var tokens = SeedRows(
            ApiToken.schema, ["id", "user_id", "name", "token_hash", "expires_at", "created_at"], on: sql)
        var lines: [String] = []
        for person in people {
            guard let user = person.userID else { continue }
            let number = person.index + 1
            try await users.add([
                user, "participant\(number)@seed.tandem.test", "Participant \(number)", passwordHash, "en", now, now,
            ])
            try await memberships.add(
                [UUID(), user, person.organizationID, Role.participant.rawValue, now], after: &users)
            let secret = SecureToken.generate(byteCount: 24)
            try await tokens.add(
                [UUID(), user, "seed", SecureToken.hash(secret), now.addingTimeInterval(30 * 86_400), now],
                after: &users)
            lines.append("\(secret) \(person.participantID.uuidString)")
        }
        try await users.flush()
        try await memberships.flush()
        try await tokens.flush()
        return lines
    }

    /// Appends the seeded history's audit entries to the end of the chain, in the batch's
    /// transaction (on PostgreSQL under the chain's lock, so a server writing meanwhile
    /// takes its turn).
    static func audit(_ entries: [(AuditLog.Entry, Date)], usesPostgres: Bool, on sql: any SQLDatabase)
        async throws
    {
        guard !entries.isEmpty else { return }
        if usesPostgres { try await AuditLog.lockChain(sql) }
        var tail = try await AuditLog.readTail(sql)
        // 14 values an entry: 2,000 stay under SQLite's limit for one statement.
        for start in stride(from: 0, to: entries.count, by: 2_000) {
            let chunk = entries[start..<min(start + 2_000, entries.count)]
            tail = try await AuditLog.insert(chunk.map(\.0), after: tail, at: Date(), times: chunk.map(\.1), on: sql)
        }
    }

    /// `size.meetings` meetings over the organizations, each organization's as the feed of a
    /// fictional intergroup through the usual import.
    static func meetings(
        _ size: SeedSize, organizations: [Organization], plan: SeedPlan, console: any Console, on db: any Database
    ) async throws {
        guard size.meetings > 0 else { return }
        var progress = SeedProgress(console: console, total: size.meetings, label: "meetings")
        var done = 0
        for (number, organization) in organizations.enumerated() {
            let count = size.meetings / organizations.count + (number < size.meetings % organizations.count ? 1 : 0)
            guard count > 0 else { continue }
            let outcome = try await MeetingImport.run(
                plan.meetingFeed(organization: number, count: count), source: "Seeded intergroup",
                organizationID: organization.id!, on: db)
            if case .failed(let report) = outcome { throw CommandFailure("The seeded meetings failed: \(report)") }
            done += count
            progress.show(done)
        }
    }

    /// Fresh planner statistics, so the first queries on millions of rows use their indexes.
    /// On PostgreSQL only Tandem's own tables: a bare ANALYZE reads every schema of the
    /// database, other applications' too.
    static func analyze(_ app: Application) async throws {
        if app.tandemSettings.usesPostgres, let sql = app.db as? any SQLDatabase {
            let tables = try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all()
                .map { try $0.decode(column: "tablename", as: String.self) }
            guard !tables.isEmpty else { return }
            try await sql.raw("ANALYZE \(SQLList(tables.map { SQLIdentifier($0) }))").run()
        } else {
            try await app.refreshPlannerStatistics()
        }
    }
}
