import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// `tandem seed --participants N [--seed S] [--per-coach K] [--organizations O] [--check-ins C]
/// [--notes M] [--messages G] [--meetings E] [--history] [--accounts A --tokens-file F]`, or
/// `tandem seed --statewide`: fills a database with fictional organizations for load tests and
/// benchmarks, the same every time for the same seed. N participants, each with one
/// engagement, over coaches with K engagements each, the coaches (and so their people) spread
/// over O organizations; C check-ins, M signed session notes and G messages spread evenly over
/// the people, dated before today; E meetings over the organizations, imported as each one's
/// Meeting Guide feed; with `--history` a recovery plan agreed by both for everyone whose
/// coaching has begun, BARC-10s and a consent for one in four, with the audit entries all of
/// it would have left (a valid chain: `tandem audit verify` passes). For the first A people a
/// sign-in with an API token, written to F (`token participant-id` per line) for a load
/// script. `--statewide` is 50 organizations, 100,000 people, 1,000 coaches, 5,000,000
/// check-ins, 1,000,000 notes, 500,000 messages, 10,000 meetings and the history; any option
/// given as well overrides its part. Rows go in through multi-row inserts, a few hundred
/// people to a transaction, so the whole state takes minutes, not hours.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "participants", help: "How many participants (default 1000)") var participants: Int?
        @Option(name: "seed", help: "The random seed (default 1)") var seed: Int?
        @Option(name: "per-coach", help: "Engagements per coach (default 60)") var perCoach: Int?
        @Option(name: "organizations", help: "Organizations the coaches are spread over (default 1)")
        var organizations: Int?
        @Option(name: "check-ins", help: "Check-ins spread over the participants (default 0)") var checkIns: Int?
        @Option(name: "notes", help: "Signed session notes spread over the participants (default 0)") var notes: Int?
        @Option(name: "messages", help: "Messages spread over the conversations (default 0)") var messages: Int?
        @Option(name: "meetings", help: "Meetings spread over the organizations (default 0)") var meetings: Int?
        @Flag(name: "history", help: "Plans, BARC-10s, consents and their audit entries") var history: Bool
        @Flag(name: "statewide", help: "A statewide program (see the command's description)") var statewide: Bool
        @Option(name: "accounts", help: "Participants given a sign-in and an API token (default 0)") var accounts: Int?
        @Option(name: "tokens-file", help: "Where to write the accounts' API tokens") var tokensFile: String?
    }

    static let organizationName = "Seeded Recovery Network"
    static let batchSize = 250

    var help: String { "Fills the database with a deterministic fictional caseload for benchmarks." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let size = try SeedSize(signature)
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
        let staff = try await SeedStaff.create(size, passwordHash: hash, on: app.db)
        let plan = SeedPlan(seed: UInt64(signature.seed ?? 1))
        let now = Date()
        let timeZone = TimeZone(identifier: staff.organizations[0].timeZone) ?? .current
        let today = CalendarDate(now, in: timeZone)
        var progress = SeedProgress(console: context.console, total: size.participants, label: "participants")
        var tokens: [String] = []
        var done = 0
        while done < size.participants {
            let range = done..<min(done + Self.batchSize, size.participants)
            let usesPostgres = settings.usesPostgres
            let lines = try await app.db.transaction { db -> [String] in
                guard let sql = db as? any SQLDatabase else { return [] }
                let details = plan.people(range)
                let people = Self.assign(
                    details, startingAt: range.lowerBound, staff: staff, perCoach: size.perCoach,
                    accounts: size.accounts)
                // Sign-ins first, so each participant row is written with its user once.
                let lines = try await SeedExtras.accounts(people, passwordHash: hash, now: now, on: sql)
                try await Self.insert(people, details, now: now, today: today, timeZone: timeZone, on: sql)
                try await SeedExtras.checkIns(
                    people, perPerson: size.share(of: size.checkIns), today: today, now: now, on: sql)
                let audit = try await SeedHistory.write(
                    people,
                    counts: .init(
                        notes: size.share(of: size.notes), messages: size.share(of: size.messages),
                        records: size.history), plan: plan, now: now, timeZone: timeZone, on: sql)
                try await SeedExtras.audit(audit, usesPostgres: usesPostgres, on: sql)
                return lines
            }
            tokens += lines
            done = range.upperBound
            progress.show(done)
        }
        if let file = signature.tokensFile, size.accounts > 0 {
            try tokens.joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        try await SeedExtras.meetings(
            size, organizations: staff.organizations, plan: plan, console: context.console, on: app.db)
        try await SeedExtras.analyze(app)
        let seconds = Date().timeIntervalSince(started)
        context.console.print(
            "Seeded \(staff.organizations.count) organizations, \(size.participants) participants, "
                + "\(staff.coaches.count) coaches, \(size.checkIns) check-ins, \(size.notes) session notes, "
                + "\(size.messages) messages, \(size.meetings) meetings\(size.history ? ", plans, BARC-10s, consents" : "")"
                + " and \(size.accounts) participant sign-ins in \(String(format: "%.1f", seconds)) s.")
        context.console.print("Sign in as coach1@seed.tandem.test (or supervisor@, admin@) with password \(password)")
    }

    /// Each person's ids, coach and organization, and a user id for the first `accounts`.
    static func assign(
        _ people: [SeedPlan.Person], startingAt first: Int, staff: SeedStaff, perCoach: Int, accounts: Int
    ) -> [SeedPerson] {
        people.enumerated().map { offset, person in
            let index = first + offset
            let coach = staff.coaches[index / perCoach]
            return SeedPerson(
                index: index, participantID: UUID(), organizationID: coach.organizationID, engagementID: UUID(),
                coachID: coach.id, coachName: coach.name, name: person.preferredName, status: person.status,
                userID: index < accounts ? UUID() : nil)
        }
    }

    /// The people's rows, their search terms, engagements and primary coaches.
    static func insert(
        _ seeded: [SeedPerson], _ people: [SeedPlan.Person], now: Date, today: CalendarDate, timeZone: TimeZone,
        on sql: any SQLDatabase
    ) async throws {
        var participants = SeedRows(
            Participant.schema,
            [
                "id", "organization_id", "user_id", "preferred_name", "legal_name", "pronouns", "date_of_birth",
                "phone", "email", "language", "contact_methods", "safe_contact_times", "pathways", "pathway_other",
                "recovery_start_date", "strengths", "emergency_contact_name", "emergency_contact_relationship",
                "emergency_contact_phone", "sort_name", "created_at", "updated_at",
            ], on: sql)
        var terms = SeedRows(
            ParticipantSearchTerm.schema, ["id", "organization_id", "participant_id", "term", "sort_name"], on: sql)
        var engagements = SeedRows(
            Engagement.schema,
            [
                "id", "organization_id", "participant_id", "service_type", "status", "close_reason",
                "referral_source", "funding", "start_date", "end_date", "last_contact_at", "created_at", "updated_at",
            ], on: sql)
        var engagementCoaches = SeedRows(
            EngagementCoach.schema, ["id", "organization_id", "engagement_id", "coach_id", "is_primary", "created_at"],
            on: sql)
        let noReason: String? = nil
        for (seed, person) in zip(seeded, people) {
            let organizationID = seed.organizationID
            let sortName = NameSearch.sortKey(person.preferredName)
            try await participants.add([
                seed.participantID, organizationID, seed.userID, person.preferredName, person.legalName, "", "", "",
                "", person.language, "text", "", person.pathways.map(\.rawValue).joined(separator: ","), "", "", "",
                "", "", "", sortName, now, now,
            ])
            for term in NameSearch.terms(of: [person.preferredName, person.legalName]) {
                try await terms.add(
                    [UUID(), organizationID, seed.participantID, term, sortName], after: &participants)
            }
            let start = CalendarDate(now.addingTimeInterval(-Double(person.startDaysAgo) * 86_400), in: timeZone)
            let lastContact = person.lastContactDaysAgo.map { now.addingTimeInterval(-Double($0) * 86_400) }
            try await engagements.add(
                [
                    seed.engagementID, organizationID, seed.participantID, person.serviceType.rawValue,
                    person.status.rawValue, noReason, person.referralSource.rawValue, person.funding.rawValue,
                    start.description, person.status.isOpen ? "" : today.description, lastContact, now, now,
                ], after: &participants)
            try await engagementCoaches.add(
                [UUID(), organizationID, seed.engagementID, seed.coachID, true, now], after: &engagements)
        }
        try await participants.flush()
        try await terms.flush()
        try await engagements.flush()
        try await engagementCoaches.flush()
    }
}
