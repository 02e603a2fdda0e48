import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// `tandem seed --participants N [--seed S] [--per-coach K]`: fills a database with a
/// fictional organization for load tests and benchmarks: N participants, each with one
/// engagement, spread over coaches with K engagements each, the same every time for the
/// same seed. Rows go in through batched inserts so 100,000 people take seconds, not hours.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "participants", help: "How many participants (default 1000)") var participants: Int?
        @Option(name: "seed", help: "The random seed (default 1)") var seed: Int?
        @Option(name: "per-coach", help: "Engagements per coach (default 60)") var perCoach: Int?
    }

    static let organizationName = "Seeded Recovery Network"
    static let batchSize = 250

    var help: String { "Fills the database with a deterministic fictional caseload for benchmarks." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let count = signature.participants ?? 1000
        let perCoach = signature.perCoach ?? 60
        guard (1...5_000_000).contains(count), (1...10_000).contains(perCoach) else {
            throw CommandFailure("Give --participants 1 to 5000000 and --per-coach 1 to 10000.")
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
        var done = 0
        while done < count {
            let range = done..<min(done + Self.batchSize, count)
            try await app.db.transaction { db in
                guard let sql = db as? any SQLDatabase else { return }
                try await Self.insert(
                    plan.people(range), startingAt: range.lowerBound, organizationID: orgID, coaches: coachIDs,
                    perCoach: perCoach, now: now, today: today, organization: organization, on: sql)
            }
            done = range.upperBound
            if done % 10_000 == 0 || done == count { context.console.print("\(done) participants") }
        }
        try await app.refreshPlannerStatistics()
        let seconds = Date().timeIntervalSince(started)
        context.console.print(
            "Seeded \(count) participants and \(coachCount) coaches in \(String(format: "%.1f", seconds)) s.")
        context.console.print("Sign in as coach1@seed.tandem.test (or supervisor@, admin@) with password \(password)")
    }

    static func insert(
        _ people: [SeedPlan.Person], startingAt first: Int, organizationID: UUID, coaches: [UUID], perCoach: Int,
        now: Date, today: CalendarDate, organization: Organization, on sql: any SQLDatabase
    ) async throws {
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
    }
}
