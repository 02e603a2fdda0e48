import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// How much `tandem seed` makes, from its options and the `--statewide` preset.
struct SeedSize: Sendable {
    let participants: Int
    let perCoach: Int
    let organizations: Int
    let checkIns: Int
    let notes: Int
    let messages: Int
    let meetings: Int
    let history: Bool
    let accounts: Int

    var coaches: Int { (participants + perCoach - 1) / perCoach }

    init(_ options: SeedCommand.Signature) throws {
        let state = options.statewide
        participants = options.participants ?? (state ? 100_000 : 1_000)
        perCoach = options.perCoach ?? (state ? 100 : 60)
        organizations = options.organizations ?? (state ? 50 : 1)
        checkIns = options.checkIns ?? (state ? 5_000_000 : 0)
        notes = options.notes ?? (state ? 1_000_000 : 0)
        messages = options.messages ?? (state ? 500_000 : 0)
        meetings = options.meetings ?? (state ? 10_000 : 0)
        history = options.history || state
        accounts = options.accounts ?? 0
        guard (1...5_000_000).contains(participants), (1...10_000).contains(perCoach) else {
            throw CommandFailure("Give --participants 1 to 5000000 and --per-coach 1 to 10000.")
        }
        guard (1...1_000).contains(organizations), organizations <= coaches else {
            throw CommandFailure("Give --organizations from 1 to 1000, and no more than there are coaches.")
        }
        guard (0...100_000_000).contains(checkIns), checkIns / participants <= 3650,
            (0...20_000_000).contains(notes), notes / participants <= 500,
            (0...20_000_000).contains(messages), messages / participants <= 1_000,
            (0...200_000).contains(meetings)
        else {
            throw CommandFailure(
                "Give --check-ins up to ten years a person, --notes up to 500 and --messages up to 1000 a person, "
                    + "and --meetings up to 200000.")
        }
        guard (0...participants).contains(accounts), accounts == 0 || options.tokensFile != nil else {
            throw CommandFailure("Give --accounts up to --participants, and --tokens-file with --accounts.")
        }
    }

    /// The n-th person's share of `total`: the first `total % participants` get one more, so
    /// the sum is exact.
    func share(of total: Int) -> @Sendable (Int) -> Int {
        let count = participants
        return { total / count + ($0 < total % count ? 1 : 0) }
    }
}

/// The seeded organizations and their staff: an admin and a supervisor in each, the coaches
/// in order, each organization taking an equal run of them (and so of the people).
struct SeedStaff: Sendable {
    struct Coach: Sendable {
        let id: UUID
        let organizationID: UUID
        let name: String
    }

    let organizations: [Organization]
    let coaches: [Coach]

    static func create(_ size: SeedSize, passwordHash: String, on db: any Database) async throws -> SeedStaff {
        var organizations: [Organization] = []
        for number in 1...size.organizations {
            let organization = Organization(
                name: number == 1 ? SeedCommand.organizationName : "\(SeedCommand.organizationName) \(number)")
            try await organization.create(on: db)
            organizations.append(organization)
            try await AgreementVersion(
                organizationID: organization.id!, version: 1, text: AgreementDefaults.text, createdBy: nil
            ).create(on: db)
        }
        let now = Date()
        let ids = organizations.map { $0.id! }
        let coaches = try await db.transaction { db -> [Coach] in
            guard let sql = db as? any SQLDatabase else { return [] }
            var coaches: [Coach] = []
            var users = SeedRows.users(on: sql)
            var memberships = SeedRows.memberships(on: sql)
            func member(_ email: String, _ name: String, _ role: Role, _ organization: UUID) async throws -> UUID {
                let id = UUID()
                try await users.add([id, email + "@seed.tandem.test", name, passwordHash, "en", now, now])
                try await memberships.add([UUID(), id, organization, role.rawValue, now], after: &users)
                return id
            }
            for (index, organization) in ids.enumerated() {
                let suffix = index == 0 ? "" : String(index + 1)
                let named = suffix.isEmpty ? "" : " " + suffix
                _ = try await member("admin" + suffix, "Seed Admin" + named, .admin, organization)
                _ = try await member("supervisor" + suffix, "Seed Supervisor" + named, .supervisor, organization)
            }
            for number in 1...size.coaches {
                let organization = ids[(number - 1) * ids.count / size.coaches]
                let name = "Coach \(number)"
                let id = try await member("coach\(number)", name, .coach, organization)
                coaches.append(Coach(id: id, organizationID: organization, name: name))
            }
            try await users.flush()
            try await memberships.flush()
            return coaches
        }
        return SeedStaff(organizations: organizations, coaches: coaches)
    }
}

/// The progress bar of a long seed: redrawn in place on a terminal, a line each tenth of
/// the way otherwise (a log or a pipe).
struct SeedProgress: Sendable {
    let console: any Console
    let total: Int
    let label: String
    let redraws = isatty(STDOUT_FILENO) == 1
    private var tenthsShown = 0

    init(console: any Console, total: Int, label: String) {
        self.console = console
        self.total = total
        self.label = label
    }

    mutating func show(_ done: Int) {
        let line = ProgressBar.line(done: done, total: total, label: label)
        if redraws {
            console.output("\r" + line, style: .plain, newLine: done >= total)
            return
        }
        let tenths = min(done, total) * 10 / max(total, 1)
        guard tenths > tenthsShown else { return }
        tenthsShown = tenths
        console.print(line)
    }
}
