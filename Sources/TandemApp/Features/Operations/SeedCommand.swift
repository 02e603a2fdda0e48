import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// `tandem seed --participants N [--seed S] [--per-coach K] [--check-ins C] [--accounts A
/// --tokens-file F]`: fills a database with a fictional organization for load tests and
/// benchmarks: N participants, each with one engagement, spread over coaches with K
/// engagements each, the same every time for the same seed; C check-ins spread evenly over
/// them, on the days before today; and for the first A participants a sign-in with an API
/// token, written to F (`token participant-id` per line) for a load script. Rows go in
/// through batched inserts so 100,000 people take seconds, not hours.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "participants", help: "How many participants (default 1000)") var participants: Int?
        @Option(name: "seed", help: "The random seed (default 1)") var seed: Int?
        @Option(name: "per-coach", help: "Engagements per coach (default 60)") var perCoach: Int?
        @Option(name: "check-ins", help: "Check-ins spread over the participants (default 0)") var checkIns: Int?
        @Option(name: "accounts", help: "Participants given a sign-in and an API token (default 0)") var accounts: Int?
        @Option(name: "tokens-file", help: "Where to write the accounts' API tokens") var tokensFile: String?
    }

    static let organizationName = "Seeded Recovery Network"
    static let batchSize = 250

    var help: String { "Fills the database with a deterministic fictional caseload for benchmarks." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let count = signature.participants ?? 1000
        let perCoach = signature.perCoach ?? 60
        let checkIns = signature.checkIns ?? 0
        let accounts = signature.accounts ?? 0
        guard (1...5_000_000).contains(count), (1...10_000).contains(perCoach) else {
            throw CommandFailure("Give --participants 1 to 5000000 and --per-coach 1 to 10000.")
        }
        guard (0...100_000_000).contains(checkIns), checkIns / count <= 3650, (0...count).contains(accounts),
            accounts == 0 || signature.tokensFile != nil
        else {
            throw CommandFailure(
                "Give --check-ins up to ten years a person, --accounts up to --participants, and --tokens-file with --accounts."
            )
        }
        let settings = app.tandemSettings
        try await app.prepareDatabase()
        let lock = settings.usesPostgres ? nil : DatabaseLock(databasePath: settings.databasePath, exclusive: true)
        if !settings.usesPostgres, lock == nil {
            throw CommandFailure("A Tandem server is using \(settings.databasePath). Stop it, then seed.")
        }
        defer { lock?.release() }
        if try await Organization.query(on: app.db).filter(\.$name == Self.organizationName).first() != nil {
            throw CommandFailure("This database is already seeded. Seed a fresh data directory.")
        }
        let started = Date()
        let password = Environment.get("TANDEM_SEED_PASSWORD") ?? "seed-" + SecureToken.generate(byteCount: 9)
        let hash = try await app.password.async.hash(PasswordDigest.prepare(password))
        let organization = Organization(name: Self.organizationName)
        try await organization.create(on: app.db)
        let orgID = organization.id!
        func member(_ email: String, _ name: String, _ role: Role) async throws -> User {
            let user = User(email: email, displayName: name, passwordHash: hash)
            try await user.create(on: app.db)
            try await Membership(userID: user.id!, organizationID: orgID, role: role).create(on: app.db)
            return user
        }
        _ = try await member("admin@seed.tandem.test", "Seed Admin", .admin)
        _ = try await member("supervisor@seed.tandem.test", "Seed Supervisor", .supervisor)
        let coachCount = (count + perCoach - 1) / perCoach
        var coaches: [UUID] = []
        for number in 1...coachCount {
            coaches.append(try await member("coach\(number)@seed.tandem.test", "Coach \(number)", .coach).id!)
        }
        try await AgreementVersion(organizationID: orgID, version: 1, text: AgreementDefaults.text, createdBy: nil)
            .create(on: app.db)

        let coachIDs = coaches
        let plan = SeedPlan(seed: UInt64(signature.seed ?? 1))
        let now = Date()
        let today = ParticipantService.day(now, in: organization)
        var tokens: [String] = []
        var done = 0
        while done < count {
            let range = done..<min(done + Self.batchSize, count)
            tokens += try await app.db.transaction { db -> [String] in
                guard let sql = db as? any SQLDatabase else { return [] }
                let ids = try await Self.insert(
                    plan.people(range), startingAt: range.lowerBound, organizationID: orgID, coaches: coachIDs,
                    perCoach: perCoach, now: now, today: today, organization: organization, on: sql)
                // The first `checkIns % count` people get one more, so the total is exact.
                try await SeedExtras.checkIns(
                    ids, perPerson: { checkIns / count + (range.lowerBound + $0 < checkIns % count ? 1 : 0) },
                    organizationID: orgID, today: today, now: now, on: sql)
                let withAccounts = ids.prefix(max(0, accounts - range.lowerBound))
                return try await SeedExtras.accounts(
                    Array(withAccounts), startingAt: range.lowerBound, organizationID: orgID, passwordHash: hash,
                    now: now, on: sql)
            }
            done = range.upperBound
            if done % 10_000 == 0 || done == count { context.console.print("\(done) participants") }
        }
        if let file = signature.tokensFile, accounts > 0 {
            try tokens.joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        try await app.refreshPlannerStatistics()
        let seconds = Date().timeIntervalSince(started)
        context.console.print(
            "Seeded \(count) participants, \(coachCount) coaches, \(checkIns) check-ins and \(accounts) participant "
                + "sign-ins in \(String(format: "%.1f", seconds)) s.")
        context.console.print("Sign in as coach1@seed.tandem.test (or supervisor@, admin@) with password \(password)")
    }

    static func insert(
        _ people: [SeedPlan.Person], startingAt first: Int, organizationID: UUID, coaches: [UUID], perCoach: Int,
        now: Date, today: CalendarDate, organization: Organization, on sql: any SQLDatabase
    ) async throws -> [UUID] {
        var ids: [UUID] = []
        let participants = sql.insert(into: Participant.schema).columns(
            "id", "organization_id", "user_id", "preferred_name", "legal_name", "pronouns", "date_of_birth", "phone",
            "email", "language", "contact_methods", "safe_contact_times", "pathways", "pathway_other",
            "recovery_start_date", "strengths", "emergency_contact_name", "emergency_contact_relationship",
            "emergency_contact_phone", "sort_name", "created_at", "updated_at")
        let terms = sql.insert(into: ParticipantSearchTerm.schema).columns(
            "id", "organization_id", "participant_id", "term", "sort_name")
        let engagements = sql.insert(into: Engagement.schema).columns(
            "id", "organization_id", "participant_id", "service_type", "status", "close_reason", "referral_source",
            "funding", "start_date", "end_date", "last_contact_at", "created_at", "updated_at")
        let engagementCoaches = sql.insert(into: EngagementCoach.schema).columns(
            "id", "organization_id", "engagement_id", "coach_id", "is_primary", "created_at")
        for (offset, person) in people.enumerated() {
            let participantID = UUID()
            ids.append(participantID)
            let engagementID = UUID()
            let sortName = NameSearch.sortKey(person.preferredName)
            let noUser: UUID? = nil
            let noReason: String? = nil
            participants.values(
                SQLBind(participantID), SQLBind(organizationID), SQLBind(noUser),
                SQLBind(person.preferredName), SQLBind(person.legalName), SQLBind(""), SQLBind(""), SQLBind(""),
                SQLBind(""), SQLBind(person.language), SQLBind("text"), SQLBind(""),
                SQLBind(person.pathways.map(\.rawValue).joined(separator: ",")), SQLBind(""), SQLBind(""),
                SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(sortName), SQLBind(now), SQLBind(now))
            for term in NameSearch.terms(of: [person.preferredName, person.legalName]) {
                terms.values(
                    SQLBind(UUID()), SQLBind(organizationID), SQLBind(participantID), SQLBind(term), SQLBind(sortName))
            }
            let start = ParticipantService.day(
                now.addingTimeInterval(-Double(person.startDaysAgo) * 86_400), in: organization)
            engagements.values(
                SQLBind(engagementID), SQLBind(organizationID), SQLBind(participantID),
                SQLBind(person.serviceType.rawValue), SQLBind(person.status.rawValue), SQLBind(noReason),
                SQLBind(person.referralSource.rawValue), SQLBind(person.funding.rawValue),
                SQLBind(start.description), SQLBind(person.status.isOpen ? "" : today.description),
                SQLBind(person.lastContactDaysAgo.map { now.addingTimeInterval(-Double($0) * 86_400) }), SQLBind(now),
                SQLBind(now))
            let coach = coaches[(first + offset) / perCoach]
            engagementCoaches.values(
                SQLBind(UUID()), SQLBind(organizationID), SQLBind(engagementID), SQLBind(coach), SQLBind(true),
                SQLBind(now))
        }
        try await participants.run()
        try await terms.run()
        try await engagements.run()
        try await engagementCoaches.run()
        return ids
    }
}
