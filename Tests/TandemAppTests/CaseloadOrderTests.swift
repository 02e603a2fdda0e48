import Fluent
import Foundation
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
            let alert = SafetyAlert()
            alert.organizationID = admin.organization.id!
            alert.participantID = people["Cy"]!.id!
            alert.source = .helpButton
            alert.sourceKey = "help_button:\(UUID())"
            alert.createdAt = Date()
            alert.acknowledgedName = ""
            alert.note = ""
            try await alert.create(on: app.db)

            let browser = try await TestBrowser.signedIn(app, coach)
            let page = try await browser.get("/").body.string
            func order(_ html: String) -> [String] {
                ["Ana", "Bea", "Cy", "Dee"].compactMap { name in
                    html.range(of: ">\(name)</a>").map { (name, $0.lowerBound) }
                }.sorted { $0.1 < $1.1 }.map(\.0)
            }
            #expect(order(page) == ["Cy", "Dee", "Ana", "Bea"])
            #expect(page.contains("href=\"/alerts\">Open crisis alert</a>"))

            // Acknowledged, the alert no longer puts Cy first.
            alert.acknowledgedAt = Date()
            alert.acknowledgedBy = coach.user.id
            try await alert.save(on: app.db)
            let after = try await browser.get("/").body.string
            #expect(order(after) == ["Dee", "Ana", "Bea", "Cy"])
            #expect(!after.contains("Open crisis alert"))

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
            let late = SafetyAlert()
            late.organizationID = admin.organization.id!
            late.participantID = people["Ana"]!.id!
            late.source = .helpButton
            late.sourceKey = "help_button:\(UUID())"
            late.createdAt = Date()
            late.acknowledgedName = ""
            late.note = ""
            try await late.create(on: app.db)
            let all = try await browser.get("/?status=all").body.string
            #expect(all.contains(">Ana</a>") && !all.contains("Open crisis alert"))
            #expect(try await everyone.get("/?status=all").body.string.contains("Open crisis alert"))
        }
    }
}
