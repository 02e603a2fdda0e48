import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Crisis safety as people meet it: words in a check-in or a family member's note, and the
/// "I need help now" button, show the person the crisis card and alert their coach and a
/// supervisor until someone acknowledges it.
@Suite("Crisis safety")
struct SafetyTests {
    static func checkIn(_ browser: TestBrowser, wentWell: String) async throws -> TestingHTTPResponse {
        try await browser.post(
            "/check-in", ["mood": "2", "craving": "4", "went_well": wentWell], tokenFrom: "/check-in")
    }

    @Test("a crisis phrase in a check-in shows the card and alerts the coach and a supervisor, until acknowledged")
    func checkIn() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let supervisor = try await app.addMember(.supervisor, to: w.admin.organization, email: "sup@example.org")
            let other = try await app.addMember(.coach, to: w.admin.organization, email: "other@example.org")
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)

            // Ordinary words: no card, no alert.
            var response = try await Self.checkIn(rosa, wentWell: "This job is killing me but I went to a meeting")
            #expect(response.location == "/check-in/done")
            #expect(!(try await rosa.get("/check-in/done").body.string.contains("id=\"crisis-card\"")))
            #expect(try await SafetyAlert.query(on: app.db).count() == 0)

            // Words that may mean danger: the card at once, with the line and the coach.
            response = try await Self.checkIn(rosa, wentWell: "Honestly I want to die")
            let done = try await rosa.get("/check-in/done").body.string
            #expect(
                done.contains("id=\"crisis-card\"") && done.contains("tel:988") && done.contains("coach@example.org"))
            #expect(done.contains("id=\"care-told\"") && done.contains("so we let your coach know"))
            let alert = try #require(try await SafetyAlert.query(on: app.db).first())
            #expect(alert.source == .checkIn && alert.participantID == w.rosa.id && alert.acknowledgedAt == nil)
            // The same words sent again the same day do not raise it twice.
            _ = try await Self.checkIn(rosa, wentWell: "Honestly I want to die")
            #expect(try await SafetyAlert.query(on: app.db).count() == 1)

            // The coach and a supervisor are e-mailed, without the person's name.
            let mail = try await OutboxMessage.query(on: app.db).filter(\.$kind == "safety_alert").all()
            #expect(Set(mail.map(\.recipient)) == ["coach@example.org", "sup@example.org"])
            #expect(mail.allSatisfy { !$0.body.contains("Rosa") && !$0.subject.contains("Rosa") })

            // The coach sees the banner and the alert; a coach of other people does not.
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(try await coach.get("/").body.string.contains("id=\"alerts-banner\""))
            let page = try await coach.get("/alerts").body.string
            #expect(page.contains("Rosa") && page.contains("acknowledge-\(alert.id!)"))
            let stranger = try await TestBrowser.signedIn(app, other)
            #expect(!(try await stranger.get("/alerts").body.string.contains("Rosa")))
            #expect(!(try await stranger.get("/").body.string.contains("id=\"alerts-banner\"")))
            #expect(
                try await stranger.post("/alerts/\(alert.id!)/acknowledge", [:], tokenFrom: "/alerts").status
                    == .forbidden)
            #expect(try await rosa.get("/alerts").status == .forbidden)

            // Acknowledged by the supervisor, with what was done; the first one counts.
            let sup = try await TestBrowser.signedIn(app, supervisor)
            #expect(try await sup.get("/alerts").body.string.contains("Rosa"))
            response = try await sup.post(
                "/alerts/\(alert.id!)/acknowledge", ["note": "Called her, she is safe with her sister"],
                tokenFrom: "/alerts")
            #expect(response.status == .seeOther)
            #expect(
                try await coach.post("/alerts/\(alert.id!)/acknowledge", [:], tokenFrom: "/alerts").status
                    == .conflict)
            // The page says what happened and leads back to the alerts, not a puzzle.
            let second = try await coach.post(
                "/alerts/\(alert.id!)/acknowledge", [:], tokenFrom: "/alerts",
                headers: ["Referer": "http://localhost:8080/alerts", "Host": "localhost:8080"])
            #expect(second.body.string.contains("Someone already acknowledged this alert."))
            #expect(second.body.string.contains("<a href=\"/alerts\" id=\"error-back\">"))
            let acknowledged = try #require(try await SafetyAlert.find(alert.id, on: app.db))
            #expect(acknowledged.acknowledgedBy == supervisor.user.id && acknowledged.note.contains("sister"))
            let after = try await coach.get("/alerts").body.string
            #expect(after.contains("id=\"no-open-alerts\"") && after.contains("Member supervisor"))
            #expect(!(try await coach.get("/").body.string.contains("id=\"alerts-banner\"")))
            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == w.rosa.id!).all(\.$action)
            #expect(trail.contains("safety_alert.raise") && trail.contains("safety_alert.acknowledge"))
        }
    }

    @Test("“I need help now” alerts at once and shows the card; a family member's note does the same")
    func helpNow() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            #expect(try await rosa.get("/").body.string.contains("id=\"help-now\""))
            let response = try await rosa.post("/help-now", [:], tokenFrom: "/")
            #expect(response.location == "/care?told=asked")
            let care = try await rosa.get("/care?told=asked").body.string
            #expect(care.contains("id=\"coach-told\"") && care.contains("id=\"crisis-card\""))
            #expect(care.contains("We let your coach know you asked for help"))
            #expect(try await SafetyAlert.query(on: app.db).filter(\.$source == .helpButton).count() == 1)
            // Pressed again while the first is open: the same alert, not a pile of copies.
            _ = try await rosa.post("/help-now", [:], tokenFrom: "/")
            #expect(try await SafetyAlert.query(on: app.db).count() == 1)
            // Through the API, for the person only.
            let (created, body) = try await APIClient.signIn(app, w.rosaAccount).send(
                .POST, "/participants/\(w.rosa.id!)/help-requests")
            #expect(created.status == .created && body["crisisLine"] as? String == "988")
            let (refused, _) = try await APIClient.signIn(app, w.coach).send(
                .POST, "/participants/\(w.rosa.id!)/help-requests")
            #expect(refused.status == .forbidden)
            let (list, listed) = try await APIClient.signIn(app, w.coach).send(.GET, "/alerts")
            #expect(list.status == .ok && (listed["open"] as? [[String: Any]])?.count == 1)
            // A check-in through the API says when its own words raised an alert.
            let rosaAPI = try await APIClient.signIn(app, w.rosaAccount)
            let (calm, calmBody) = try await rosaAPI.send(
                .POST, "/participants/\(w.rosa.id!)/check-ins",
                json: #"{"mood":4,"craving":1,"wentWell":"A long walk"}"#)
            #expect(calm.status == .created && calmBody["crisisAlertRaised"] as? Bool == false)
            let (worried, worriedBody) = try await rosaAPI.send(
                .POST, "/participants/\(w.rosa.id!)/check-ins",
                json: #"{"mood":1,"craving":4,"wentWell":"I want to kill myself"}"#)
            #expect(worried.status == .created && worriedBody["crisisAlertRaised"] as? Bool == true)
            #expect(try await SafetyAlert.query(on: app.db).filter(\.$source == .checkIn).count() == 1)
            // A coach whose coaching ended is no longer shown the person's alerts.
            w.engagement.status = .completed
            try await w.engagement.save(on: app.db)
            let (_, former) = try await APIClient.signIn(app, w.coach).send(.GET, "/alerts")
            #expect((former["open"] as? [[String: Any]])?.isEmpty == true)
            // With no coach now, the card does not speak of one: the team was told.
            let alone = try await rosa.get("/care?told=asked").body.string
            #expect(alone.contains("We let the team at your organization know") && !alone.contains("your coach know"))

            // A family member's wellbeing note.
            let (linda, _) = try await app.makeParticipant(
                "Linda", in: w.admin.organization, coach: w.coach.user, service: .familyRecoveryCoaching)
            let account = try await app.addMember(.family, to: w.admin.organization, email: "linda@example.org")
            linda.$user.id = account.user.id
            try await linda.save(on: app.db)
            let family = try await TestBrowser.signedIn(app, account)
            let saved = try await family.post(
                "/wellbeing",
                ["stress": "5", "sleep": "1", "self_care": "1", "hope": "1", "note": "No quiero vivir así"],
                tokenFrom: "/wellbeing")
            #expect(saved.location == "/care?told=wrote")
            let wrote = try await family.get("/care?told=wrote").body.string
            #expect(wrote.contains("What you wrote tells us") && wrote.contains("so we let your coach know"))
            #expect(!wrote.contains("asked for help"))
            #expect(try await SafetyAlert.query(on: app.db).filter(\.$participantID == linda.id!).count() == 1)
        }
    }
}
