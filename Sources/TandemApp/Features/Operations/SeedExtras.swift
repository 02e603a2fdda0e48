import Foundation
import SQLKit
import TandemKit

/// The parts of `tandem seed` beyond caseloads: a history of check-ins, and participants
/// who can sign in with API tokens, for benchmarking check-ins under load.
enum SeedExtras {
    /// SQLite takes at most 32,766 values a statement; 14 columns a row leaves room for 2,000.
    static let rowsPerStatement = 2_000

    /// `perPerson(n)` check-ins for the n-th participant given, on the days just before
    /// today, so a check-in sent today is new. Answers vary by day, the same for every run.
    static func checkIns(
        _ participants: [UUID], perPerson: (Int) -> Int, organizationID: UUID, today: CalendarDate, now: Date,
        on sql: any SQLDatabase
    ) async throws {
        let most = participants.indices.map(perPerson).max() ?? 0
        guard most > 0 else { return }
        let days = (1...most).compactMap { today.adding(days: -$0)?.description }
        var pending: [[any Encodable & Sendable]] = []
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let insert = sql.insert(into: CheckIn.schema).columns(
                "id", "organization_id", "participant_id", "local_date", "mood", "craving", "substance_use", "supports",
                "went_well", "reach_out", "followed_up_at", "followed_up_by", "created_at", "updated_at")
            for row in pending { insert.values(row.map { SQLBind($0) }) }
            try await insert.run()
            pending.removeAll(keepingCapacity: true)
        }
        let none: UUID? = nil
        let never: Date? = nil
        for (person, participant) in participants.enumerated() {
            for (index, day) in days.prefix(perPerson(person)).enumerated() {
                let wave = (person + index) % 7
                pending.append([
                    UUID(), organizationID, participant, day, 1 + wave % 5, (wave * 3) % 11,
                    wave == 6 ? "prefer_not_to_say" : "no", wave % 2 == 0 ? "coach" : "mutual_help_meeting", "",
                    "none", never, none, now, now,
                ])
                if pending.count == rowsPerStatement { try await flush() }
            }
        }
        try await flush()
    }

    /// A participant sign-in and an API token for each participant given; returns
    /// `token participant-id` lines.
    static func accounts(
        _ participants: [UUID], startingAt first: Int, organizationID: UUID, passwordHash: String, now: Date,
        on sql: any SQLDatabase
    ) async throws -> [String] {
        guard !participants.isEmpty else { return [] }
        let users = sql.insert(into: User.schema).columns(
            "id", "email", "display_name", "password_hash", "language", "password_changed_at", "created_at")
        let memberships = sql.insert(into: Membership.schema).columns(
            "id", "user_id", "organization_id", "role", "created_at")
        let tokens = sql.insert(into: ApiToken.schema).columns(
            "id", "user_id", "name", "token_hash", "expires_at", "created_at")
        var lines: [String] = []
        var links: [(UUID, UUID)] = []
        for (offset, participant) in participants.enumerated() {
            let user = UUID()
            let number = first + offset + 1
            users.values(
                SQLBind(user), SQLBind("participant\(number)@seed.tandem.test"), SQLBind("Participant \(number)"),
                SQLBind(passwordHash), SQLBind("en"), SQLBind(now), SQLBind(now))
            memberships.values(
                SQLBind(UUID()), SQLBind(user), SQLBind(organizationID), SQLBind(Role.participant.rawValue),
                SQLBind(now))
            let secret = SecureToken.generate(byteCount: 24)
            tokens.values(
                SQLBind(UUID()), SQLBind(user), SQLBind("seed"), SQLBind(SecureToken.hash(secret)),
                SQLBind(now.addingTimeInterval(30 * 86_400)), SQLBind(now))
            links.append((participant, user))
            lines.append("\(secret) \(participant.uuidString)")
        }
        try await users.run()
        try await memberships.run()
        try await tokens.run()
        for (participant, user) in links {
            try await sql.update(Participant.schema).set("user_id", to: SQLBind(user))
                .where("id", .equal, SQLBind(participant)).run()
        }
        return lines
    }
}
