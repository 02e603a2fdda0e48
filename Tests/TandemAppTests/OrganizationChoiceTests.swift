import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// A person in several organizations: moving between them in the browser, joining another
/// organization's program with the sign-in they have, and API tokens that act in one.
@Suite("A person in several organizations")
struct OrganizationChoiceTests {
    static func sessionCookie(_ browser: TestBrowser) -> String? { browser.cookies[SessionMiddleware.cookieName] }

    @Test("the header offers the switch only to someone in two; moving starts a new session in the other, remembered")
    func switching() async throws {
        try await withTandem { app in
            let river = try await app.makeOrganization("Riverbend", email: "admin@river.org")
            let hills = try await app.makeOrganization("Hillside", email: "admin@hills.org")
            let coach = try await app.addMember(.coach, to: river.organization, email: "coach@example.org")
            let alone = try await app.addMember(.coach, to: river.organization, email: "alone@example.org")
            let (riverPerson, _) = try await app.makeParticipant(
                "River Person", in: river.organization, coach: coach.user)
            try await Membership(userID: coach.user.id!, organizationID: hills.organization.id!, role: .coach)
                .create(on: app.db)
            let hillsCoach = try await app.addMember(.coach, to: hills.organization, email: "hc@hills.org")
            try await app.makeParticipant("Hills Person", in: hills.organization, coach: hillsCoach.user)

            let single = try await TestBrowser.signedIn(app, alone)
            #expect(!(try await single.get("/").body.string.contains("switch-organization")))
            let missing = try await single.get("/participants/\(UUID())")
            #expect(missing.status == .notFound && !missing.body.string.contains("error-other-organizations"))

            let browser = try await TestBrowser.signedIn(app, coach)
            var home = try await browser.get("/").body.string
            #expect(home.contains("id=\"switch-organization\"") && home.contains("<title>"))
            #expect(home.contains("· Riverbend · Tandem</title>"))
            let list = try await browser.get("/account/organizations").body.string
            #expect(list.contains("Hillside") && list.contains("Riverbend"))
            #expect(list.contains("id=\"organization-current\"") && list.contains("choose-\(hills.organization.id!)"))
            #expect(!list.contains("choose-\(river.organization.id!)"))

            // Somebody else's organization, or no form token: nothing moves.
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "admin@else.org")
            let before = Self.sessionCookie(browser)
            var response = try await browser.post(
                "/account/organizations/\(elsewhere.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .notFound && Self.sessionCookie(browser) == before)
            response = try await browser.post("/account/organizations/\(hills.organization.id!)", [:], csrf: "wrong")
            #expect(response.status == .forbidden && Self.sessionCookie(browser) == before)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "organization.choose").count() == 0)

            let oldSession = try #require(
                try await WebSession.query(on: app.db).filter(\.$user.$id == coach.user.id!).first())
            response = try await browser.post(
                "/account/organizations/\(hills.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther && response.location == "/")
            // A new session, as at every change of what the session may do; it keeps its start.
            #expect(Self.sessionCookie(browser) != nil && Self.sessionCookie(browser) != before)
            let sessions = try await WebSession.query(on: app.db).filter(\.$user.$id == coach.user.id!).all()
            #expect(sessions.count == 1 && sessions[0].id != oldSession.id)
            #expect(sessions[0].$organization.id == hills.organization.id)
            #expect(abs(sessions[0].createdAt.timeIntervalSince(oldSession.createdAt)) < 0.001)
            home = try await browser.get("/").body.string
            #expect(home.contains("· Hillside · Tandem</title>"))
            let people = try await browser.get("/participants").body.string
            #expect(!people.contains("River Person"))
            // A link into the other organization (from an e-mail, say) is not found here, and
            // the page points to the switch.
            let there = try await browser.get("/participants/\(riverPerson.id!)")
            #expect(there.status == .notFound && !there.body.string.contains("River Person"))
            #expect(there.body.string.contains("id=\"error-other-organizations\""))
            let audit = try #require(
                try await AuditEvent.query(on: app.db).filter(\.$action == "organization.choose").first())
            #expect(audit.organizationID == hills.organization.id && audit.actorID == coach.user.id)

            // The old cookie no longer works.
            let stale = TestBrowser(app)
            stale.cookies[SessionMiddleware.cookieName] = before
            #expect(try await stale.get("/").status == .seeOther)

            // The next sign-in starts where the person chose to work last.
            let again = try await TestBrowser.signedIn(app, coach)
            #expect(try await again.get("/").body.string.contains("· Hillside · Tandem</title>"))

            // Moving into an organization that requires two-factor sign-in of its staff: its
            // next page asks for the set-up; moving away again stays possible.
            let strict = try await app.makeOrganization("Strict", email: "admin@strict.org")
            strict.organization.requireStaffTwoFactor = true
            try await strict.organization.save(on: app.db)
            try await Membership(userID: coach.user.id!, organizationID: strict.organization.id!, role: .coach)
                .create(on: app.db)
            response = try await again.post(
                "/account/organizations/\(strict.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther)
            response = try await again.get("/")
            #expect(response.status == .seeOther && response.location == "/account/two-factor?required=1")
            response = try await again.post(
                "/account/organizations/\(river.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther)
            #expect(try await again.get("/").body.string.contains("· Riverbend · Tandem</title>"))
        }
    }

    @Test("someone who sets up a further organization with their sign-in starts there at the next sign-in")
    func settingUpAnother() async throws {
        try await withTandem { app in
            let river = try await app.makeOrganization("Riverbend", email: "admin@river.org")
            _ = try await app.makeOrganization("Hillside", email: "admin@river.org")
            let browser = try await TestBrowser.signedIn(app, river)
            #expect(try await browser.get("/").body.string.contains("· Hillside · Tandem</title>"))
        }
    }

    @Test("a participant of one organization joins another's program with their sign-in; staff there cannot")
    func joiningAnotherOrganizationsProgram() async throws {
        try await withTandem { app in
            let river = try await app.makeOrganization("Riverbend", email: "admin@river.org")
            let hills = try await app.makeOrganization("Hillside", email: "admin@hills.org")
            let riverAdmin = try await TestBrowser.signedIn(app, river)
            let hillsAdmin = try await TestBrowser.signedIn(app, hills)
            let first = try await ProgramTests.publish(riverAdmin, title: "River Start")
            let other = try await ProgramTests.publish(hillsAdmin, title: "Hill Steps")

            // Jo joins Riverbend's program as a new person, then comes to Hillside's.
            let jo = TestBrowser(app)
            let firstPage = "/programs/\(first.id!)"
            var response = try await jo.post(
                "\(firstPage)/enroll",
                [
                    "name": "Jo", "email": "jo@example.org", "password": testPassword, "language": "en",
                    "accept_terms": "on",
                ], tokenFrom: firstPage)
            #expect(response.status == .seeOther)
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "jo@example.org").first())
            let page = "/programs/\(other.id!)"
            let shown = try await jo.get(page).body.string
            #expect(shown.contains("id=\"join-program\"") && !shown.contains("id=\"enroll-form\""))
            #expect(element("join-another-note", in: shown)?.contains("Hillside will see the name") == true)

            // Without the terms, nothing is made.
            response = try await jo.post("\(page)/enroll", [:], tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("accept_terms-error"))
            #expect(
                try await Membership.query(on: app.db).filter(\.$organization.$id == hills.organization.id!)
                    .filter(\.$user.$id == user.id!).count() == 0)

            response = try await jo.post("\(page)/enroll", ["accept_terms": "on"], tokenFrom: page)
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            let membership = try #require(
                try await Membership.query(on: app.db).filter(\.$organization.$id == hills.organization.id!)
                    .filter(\.$user.$id == user.id!).first())
            #expect(membership.role == .participant && membership.chosenAt != nil)
            let record = try #require(
                try await Participant.query(on: app.db).filter(\.$organization.$id == hills.organization.id!)
                    .filter(\.$user.$id == user.id!).first())
            #expect(record.preferredName == "Jo" && record.email == "jo@example.org")
            let enrollment = try #require(
                try await ProgramEnrollment.query(on: app.db).filter(\.$programID == other.id!).first())
            #expect(enrollment.participantID == record.id && enrollment.termsAcceptedAt != nil)
            // The session moved to Hillside, where the start is; Riverbend's record is untouched.
            let start = try await jo.get("\(page)/start")
            #expect(start.status == .ok && start.body.string.contains("· Hillside · Tandem</title>"))
            #expect(start.body.string.contains("id=\"switch-organization\""))
            #expect(
                try await Participant.query(on: app.db).filter(\.$user.$id == user.id!).count() == 2)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "program.enroll")
                .filter(\.$organizationID == hills.organization.id!).all()
            #expect(audit.count == 1 && audit[0].actorID == user.id)
            // A second press changes nothing; the page now leads on.
            response = try await jo.post("\(page)/enroll", ["accept_terms": "on"], tokenFrom: page)
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            #expect(try await ProgramEnrollment.query(on: app.db).filter(\.$programID == other.id!).count() == 1)
            #expect(try await jo.get(page).body.string.contains("id=\"continue-program\""))

            // Back in Riverbend, Jo is still enrolled there; Hillside's program is a press away:
            // the press moves the session there, without a second record or enrollment.
            response = try await jo.post(
                "/account/organizations/\(river.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther)
            #expect(
                try await jo.get(firstPage).body.string.contains(
                    "<a class=\"button primary\" href=\"\(firstPage)/start\" id=\"continue-program\""))
            let elsewhere = try await jo.get(page).body.string
            #expect(elsewhere.contains("<button class=\"button primary\" type=\"submit\" id=\"continue-program\""))
            response = try await jo.post("\(page)/enroll", [:], tokenFrom: page)
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            #expect(try await jo.get("\(page)/start").body.string.contains("· Hillside · Tandem</title>"))
            #expect(try await Participant.query(on: app.db).filter(\.$user.$id == user.id!).count() == 2)
            #expect(try await ProgramEnrollment.query(on: app.db).count() == 2)

            // Hillside's admin has another role there: no join, and a forged form is refused.
            let refused = try await hillsAdmin.get(page).body.string
            #expect(refused.contains("another role at this organization") && !refused.contains("id=\"join-program\""))
            response = try await hillsAdmin.post("\(page)/enroll", ["accept_terms": "on"], tokenFrom: page)
            #expect(response.status == .forbidden)
            #expect(try await ProgramEnrollment.query(on: app.db).filter(\.$programID == other.id!).count() == 1)

            // Hillside anonymizes its record of Jo: Jo keeps their sign-in, Riverbend and the
            // session working there.
            response = try await jo.post(
                "/account/organizations/\(river.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther)
            let anonymize = "/participants/\(record.id!)/anonymize"
            response = try await hillsAdmin.post(anonymize, ["confirm": "yes"], tokenFrom: anonymize)
            #expect(response.status == .seeOther)
            let home = try await jo.get("/")
            #expect(home.status == .ok && home.body.string.contains("· Riverbend · Tandem</title>"))
            #expect(!home.body.string.contains("id=\"switch-organization\""))
            #expect(try await User.find(user.id, on: app.db)?.email == "jo@example.org")
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).count() == 1)
        }
    }

    @Test("an API token acts in the organization it was made for, or in the one chosen last")
    func tokens() async throws {
        try await withTandem { app in
            let river = try await app.makeOrganization("Riverbend", email: "admin@example.org")
            let hills = try await app.makeOrganization("Hillside", email: "admin@example.org")
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "other@example.org")
            func token(_ extra: String) async throws -> TestingHTTPResponse {
                try await APITests.post(
                    app, "/api/v1/tokens",
                    json: #"{"email":"admin@example.org","password":"\#(testPassword)"\#(extra)}"#)
            }
            func acting(_ response: TestingHTTPResponse) async throws -> String? {
                struct NewToken: Decodable {
                    let token: String
                    let organizationId: String?
                }
                let made = try JSONDecoder().decode(NewToken.self, from: Data(response.body.readableBytesView))
                let me = try await app.testing().sendRequest(
                    .GET, "/api/v1/me", headers: ["Authorization": "Bearer \(made.token)"])
                let body = try JSONSerialization.jsonObject(with: Data(me.body.readableBytesView)) as? [String: Any]
                #expect(body?["organizationId"] as? String == made.organizationId)
                return made.organizationId
            }
            // Without a choice: where the person chose to work last, here the organization they
            // set up last.
            var response = try await token("")
            #expect(response.status == .created)
            #expect(try await acting(response) == hills.organization.id!.uuidString)
            response = try await token(#","organizationId":"\#(river.organization.id!)""#)
            #expect(response.status == .created)
            #expect(try await acting(response) == river.organization.id!.uuidString)
            // Not the person's organization, or not an id: refused, no token made.
            let made = try await ApiToken.query(on: app.db).count()
            for bad in [elsewhere.organization.id!.uuidString, "hills"] {
                response = try await token(#","organizationId":"\#(bad)""#)
                #expect(response.status == .unprocessableEntity)
                let problem = try APITests.problem(response)
                let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                #expect(fields == ["organizationId"])
            }
            #expect(try await ApiToken.query(on: app.db).count() == made)
            // Having chosen Riverbend in the browser, a token without a choice acts there.
            let browser = try await TestBrowser.signedIn(app, river)
            response = try await browser.post(
                "/account/organizations/\(river.organization.id!)", [:], tokenFrom: "/account/organizations")
            #expect(response.status == .seeOther)
            #expect(try await acting(try await token("")) == river.organization.id!.uuidString)
            // The security page says where each token acts.
            let security = try await browser.get("/account/security").body.string
            #expect(
                security.contains("Acts in") && security.contains(">Hillside</td>")
                    && security.contains(">Riverbend</td>"))

            // A token made before tokens named an organization acts in the first; one whose
            // organization the person left acts nowhere.
            func stored(_ organization: UUID?) async throws -> HTTPHeaders {
                let secret = "tdm_" + SecureToken.generate()
                try await ApiToken(
                    userID: river.user.id!, organizationID: organization, name: "old",
                    tokenHash: SecureToken.hash(secret), expiresAt: Date().addingTimeInterval(3600)
                ).create(on: app.db)
                return ["Authorization": "Bearer \(secret)"]
            }
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: try await stored(nil))
            let body = try JSONSerialization.jsonObject(with: Data(me.body.readableBytesView)) as? [String: Any]
            #expect(body?["organizationId"] as? String == river.organization.id!.uuidString)
            let gone = try await app.testing().sendRequest(
                .GET, "/api/v1/engagements", headers: try await stored(elsewhere.organization.id))
            #expect(gone.status == .forbidden)
        }
    }
}
