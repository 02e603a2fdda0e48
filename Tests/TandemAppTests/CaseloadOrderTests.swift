import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// A coach's caseload puts the people who need something first, most urgent first, and names
/// the thing; people with nothing to do follow by name.
@Suite("The caseload in order of urgency")
struct CaseloadOrderTests {
    @Test("an open crisis alert first, then a request to reach out, then everyone else by name")
    func urgentFirst() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            var people: [String: Participant] = [:]
            for name in ["Ana", "Bea", "Cy", "Dee"] {
                people[name] = try await app.makeParticipant(name, in: admin.organization, coach: coach.user).0
            }
            // Dee asked her coach to reach out; Cy's words raised a crisis alert.
            let today = ParticipantService.today(in: admin.organization)
            let checkIn = CheckIn(organizationID: admin.organization.id!, participantID: people["Dee"]!.id!, day: today)
            checkIn.apply(CheckInAnswers(mood: 2, craving: 5, wantsReachOut: true))
            try await checkIn.create(on: app.db)
            let alert = try await Self.openAlert(for: people["Cy"]!, on: app.db)

            let browser = try await TestBrowser.signedIn(app, coach)
            let page = try await browser.get("/").body.string
            func order(_ html: String) -> [String] {
                ["Ana", "Bea", "Cy", "Dee"].compactMap { name in
                    html.range(of: ">\(name)</a>").map { (name, $0.lowerBound) }
                }.sorted { $0.1 < $1.1 }.map(\.0)
            }
            #expect(order(page) == ["Cy", "Dee", "Ana", "Bea"])
            #expect(page.contains("href=\"/alerts\">Open crisis alert</a>"))
            #expect(page.contains(">Open alerts: 1</a>"))

            // Acknowledged, the alert no longer puts Cy first.
            alert.acknowledgedAt = Date()
            alert.acknowledgedBy = coach.user.id
            try await alert.save(on: app.db)
            let after = try await browser.get("/").body.string
            #expect(order(after) == ["Dee", "Ana", "Bea", "Cy"])
            #expect(!after.contains("Open crisis alert") && !after.contains("Open alerts:"))

            // The organization's whole list stays in name order, with the signals shown.
            let everyone = try await TestBrowser.signedIn(app, admin)
            #expect(order(try await everyone.get("/").body.string) == ["Ana", "Bea", "Cy", "Dee"])
            // One coach's caseload chosen by a supervisor is in order of urgency.
            let chosen = try await everyone.get("/?coach=\(coach.user.id!.uuidString)").body.string
            #expect(order(chosen) == ["Dee", "Ana", "Bea", "Cy"])

            // A coach whose coaching ended is not shown the person's alert, as on the alerts page.
            let ended = try #require(
                try await Engagement.query(on: app.db).filter(\.$participant.$id == people["Ana"]!.id!).first())
            ended.status = .completed
            try await ended.save(on: app.db)
            _ = try await Self.openAlert(for: people["Ana"]!, on: app.db)
            let all = try await browser.get("/?status=all").body.string
            #expect(all.contains(">Ana</a>") && !all.contains("Open crisis alert") && !all.contains("Open alerts:"))
            #expect(!(try await browser.get("/").body.string.contains("Open alerts:")))
            let organization = try await everyone.get("/?status=all").body.string
            #expect(organization.contains("Open crisis alert") && organization.contains(">Open alerts: 1</a>"))

            // Two alerts for one person both count, on every filter of the coach's page; another
            // organization's alert counts for no one here.
            _ = try await Self.openAlert(for: people["Bea"]!, on: app.db)
            _ = try await Self.openAlert(for: people["Bea"]!, on: app.db)
            let other = try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.example.org")
            let otherCoach = try await app.addMember(
                .coach, to: other.organization, email: "coach@elsewhere.example.org")
            let stranger = try await app.makeParticipant("Eve", in: other.organization, coach: otherCoach.user).0
            _ = try await Self.openAlert(for: stranger, on: app.db)
            #expect(try await browser.get("/").body.string.contains(">Open alerts: 2</a>"))
            #expect(try await browser.get("/?status=active").body.string.contains(">Open alerts: 2</a>"))
            #expect(try await everyone.get("/").body.string.contains(">Open alerts: 3</a>"))
        }
    }

    @Test("a caseload past the largest read at once is paged by name, its alerts still marked and counted")
    func pastTheLargest() async throws {
        try await withTandem { app in
            // One coach with more open engagements than are put in order of urgency at once.
            let size = String(EngagementService.largestCaseload * 23 / 20)
            var context = CommandContext(
                console: Terminal(),
                input: CommandInput(arguments: ["tandem", "--participants", size, "--per-coach", size, "--seed", "3"]))
            context.application = app
            try await SeedCommand().run(using: &context)
            let coach = try #require(
                try await User.query(on: app.db).filter(\.$email == "coach1@seed.tandem.test").first())
            coach.passwordHash = try await app.password.async.hash(PasswordDigest.prepare(testPassword))
            try await coach.save(on: app.db)
            let organization = try #require(try await Organization.query(on: app.db).first())
            let browser = try await TestBrowser.signedIn(
                app, Account(organization: organization, user: coach, email: coach.email, password: testPassword))
            let open = try await (app.db as! any SQLDatabase).raw(
                """
                SELECT e.participant_id FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
                JOIN participants p ON p.id = e.participant_id WHERE c.coach_id = \(bind: coach.id!) \
                AND e.status IN ('referred', 'active', 'paused') ORDER BY p.sort_name, p.id, e.created_at
                """
            ).all().map { try $0.uuid("participant_id") }
            #expect(open.count > EngagementService.largestCaseload)
            let first = try #require(try await Participant.find(open[0], on: app.db))
            let last = try #require(try await Participant.find(open[open.count - 1], on: app.db))
            _ = try await Self.openAlert(for: first, on: app.db)
            _ = try await Self.openAlert(for: last, on: app.db)
            _ = try await Self.openAlert(for: last, on: app.db)

            let page = try await browser.get("/").body.string
            func position(_ id: UUID) -> String.Index? {
                page.range(of: "/participants/\(id.uuidString)\"")?.lowerBound
            }
            // In name order: the first person first, marked; the last, alert or not, not on page one.
            let firstAt = try #require(position(open[0]))
            #expect(try #require(position(open[1])) > firstAt)
            #expect(position(open[open.count - 1]) == nil)
            #expect(page.contains("href=\"/alerts\">Open crisis alert</a>"))
            // The banner counts every alert of the coach's people, on any page.
            #expect(page.contains(">Open alerts: 3</a>"))
        }
    }

    /// An alert from the help button, waiting to be acknowledged.
    static func openAlert(for person: Participant, on db: any Database) async throws -> SafetyAlert {
        let alert = SafetyAlert()
        alert.organizationID = person.$organization.id
        alert.participantID = person.id!
        alert.source = .helpButton
        alert.sourceKey = "help_button:\(UUID())"
        alert.createdAt = Date()
        alert.acknowledgedName = ""
        alert.note = ""
        try await alert.create(on: db)
        return alert
    }
}
