import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Consents, disclosures, family members' and partners' views, the person's data rights and
/// family recovery coaching, through the pages and the API as people use them.
@Suite("Consents and disclosures")
struct ConsentPageTests {
    /// Rosa (signed in, with a recovery start date, a check-in and a meeting attended), her
    /// coach, her mother, a partner liaison, and another family member.
    struct World {
        let admin: Account
        let coach: Account
        let rosaAccount: Account
        let rosa: Participant
        let engagement: Engagement
        let mother: Account
        let partner: Account
        let stranger: Account
    }

    static func world(_ app: Application) async throws -> World {
        let admin = try await app.makeOrganization()
        let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
        let rosaAccount = try await app.addMember(.participant, to: admin.organization, email: "rosa@example.org")
        let (rosa, engagement) = try await app.makeParticipant(
            "Rosa", in: admin.organization, coach: coach.user, user: rosaAccount.user)
        rosa.recoveryStartDate = "2025-10-01"
        try await rosa.save(on: app.db)
        let checkIn = CheckIn(
            organizationID: admin.organization.id!, participantID: rosa.id!, day: CalendarDate("2026-11-20")!)
        checkIn.apply(CheckInAnswers(mood: 4, craving: 2, wentWell: "Rosa's private walk"))
        try await checkIn.create(on: app.db)
        let mother = try await app.addMember(.family, to: admin.organization, email: "mother@example.org")
        mother.user.displayName = "Elena Mother"
        try await mother.user.save(on: app.db)
        let partner = try await app.addMember(.partner, to: admin.organization, email: "liaison@example.org")
        let stranger = try await app.addMember(.family, to: admin.organization, email: "stranger@example.org")
        return World(
            admin: admin, coach: coach, rosaAccount: rosaAccount, rosa: rosa, engagement: engagement, mother: mother,
            partner: partner, stranger: stranger)
    }

    static func consentForm(
        kind: String = "account", email: String = "mother@example.org", name: String = "",
        categories: [String] = ["milestones"], purpose: String = "family_support", expiry: String = "engagement",
        expiresOn: String = "", typedName: String = "Rosa Lopez"
    ) -> [(String, String)] {
        [
            ("recipient_kind", kind), ("recipient_email", email), ("recipient_name", name), ("purpose", purpose),
            ("purpose_note", ""), ("expiry", expiry), ("expires_on", expiresOn), ("typed_name", typedName),
        ] + categories.map { ("categories[]", $0) }
    }

    @Test("a mother sees milestones only; another category, expiry, the engagement's end and revocation refuse")
    func familyView() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let rosaBrowser = TestBrowser(app)
            try await rosaBrowser.signIn(w.rosaAccount)
            let motherBrowser = TestBrowser(app)
            try await motherBrowser.signIn(w.mother)
            let shared = "/shared/\(w.rosa.id!)"

            // No consent: nothing, and the refusal is audited.
            var response = try await motherBrowser.get(shared)
            #expect(response.status == .forbidden && !response.body.string.contains("walk"))

            // A bad consent changes nothing: no categories, an address that is no family account here.
            let new = "/participants/\(w.rosa.id!)/consents"
            response = try await rosaBrowser.post(
                new, pairs: Self.consentForm(email: "coach@example.org", categories: [], typedName: ""),
                tokenFrom: new + "/new")
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("There is no family member or partner sign-in with this address"))
            #expect(try await ConsentRecord.query(on: app.db).count() == 0)
            // An end day that is no day is named as such.
            response = try await rosaBrowser.post(
                new, pairs: Self.consentForm(expiry: "day", expiresOn: "2025-02-30"), tokenFrom: new + "/new")
            #expect(response.status == .unprocessableEntity && response.body.string.contains("Enter a real date"))
            #expect(try await ConsentRecord.query(on: app.db).count() == 0)

            response = try await rosaBrowser.post(new, pairs: Self.consentForm(), tokenFrom: new + "/new")
            #expect(response.status == .seeOther)
            let consent = try #require(try await ConsentRecord.query(on: app.db).first())
            #expect(consent.recipientUserID == w.mother.user.id && !consent.inPerson)
            #expect(consent.engagementID == w.engagement.id && consent.expiresOn == "")
            let form = try await rosaBrowser.get("/consents/\(consent.id!)").body.string
            #expect(form.contains(ConsentRules.notice) && form.contains("Elena Mother") && form.contains("Rosa Lopez"))
            #expect(form.contains("You may revoke this consent at any time"))

            // The mother sees the milestones and nothing else; the stranger nothing at all.
            let page = try await motherBrowser.get(shared)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("id=\"shared-milestones\""))
            // Days written out, as everywhere else: her first milestone, the day after she began.
            #expect(page.body.string.contains("<time datetime=\"2025-10-02\">October 2, 2025</time>"))
            #expect(!page.body.string.contains("id=\"shared-check-ins\"") && !page.body.string.contains("walk"))
            #expect(try await motherBrowser.get("/").body.string.contains(shared))
            #expect(try await TestBrowser.signedIn(app, w.stranger).get(shared).status == .forbidden)
            // The loved one's own pages stay closed to her.
            for path in ["/participants/\(w.rosa.id!)", "/participants/\(w.rosa.id!)/check-ins"] {
                #expect([403, 404].contains(try await motherBrowser.get(path).status.code), "\(path)")
            }
            // Through the API: the same view, recorded the same way.
            let motherAPI = try await APIClient.signIn(app, w.mother)
            let (apiView, body) = try await motherAPI.send(.GET, shared)
            #expect(apiView.status == .ok && body["notice"] as? String == ConsentRules.notice)
            let record = try #require(body["record"] as? [String: Any])
            #expect(record["milestones"] != nil && record["checkIns"] == nil && record["shows"] == nil)

            var disclosures = try await Disclosure.query(on: app.db).all()
            #expect(disclosures.count == 2 && disclosures.allSatisfy { $0.categories == [.milestones] })
            #expect(disclosures.allSatisfy { $0.recipientName == "Elena Mother" && $0.purpose == "family_support" })

            // A partner with a consent for another category sees only that one; one that ended
            // yesterday allows nothing.
            let planOnly = ConsentRecord()
            planOnly.organizationID = w.admin.organization.id!
            planOnly.participantID = w.rosa.id!
            planOnly.recipientKind = .account
            planOnly.recipientUserID = w.partner.user.id
            planOnly.recipientName = "Liaison"
            planOnly.categoriesText = ",plan,"
            planOnly.purpose = "care_coordination"
            planOnly.purposeNote = ""
            planOnly.expiresOn = ParticipantService.today(in: w.admin.organization).adding(days: -1)!.description
            planOnly.signedName = "Rosa Lopez"
            planOnly.signedAt = Date().addingTimeInterval(-86_400 * 30)
            planOnly.enteredBy = w.rosaAccount.user.id!
            planOnly.inPerson = false
            try await planOnly.create(on: app.db)
            let partnerBrowser = try await TestBrowser.signedIn(app, w.partner)
            #expect(try await partnerBrowser.get(shared).status == .forbidden)
            planOnly.expiresOn = ParticipantService.today(in: w.admin.organization).description
            try await planOnly.save(on: app.db)
            let partnerPage = try await partnerBrowser.get(shared).body.string
            #expect(partnerPage.contains("id=\"shared-plan\"") && !partnerPage.contains("id=\"shared-milestones\""))

            // Revoked: the mother, still signed in, is refused on her very next request.
            let list = try await rosaBrowser.get(new).body.string
            #expect(list.contains("Elena Mother") && list.contains("In force"))
            // Her coaching team is named too: they see the record without a consent.
            #expect(list.contains("id=\"coaching-team\"") && list.contains(w.coach.user.displayName))
            // Revoking asks first, on a page of its own; the mother cannot reach it.
            let ask = "/consents/\(consent.id!)/revoke"
            #expect(list.contains("href=\"\(ask)\""))
            let asked = try await rosaBrowser.get(ask).body.string
            #expect(element("revoke-intro", in: asked) == "Elena Mother will no longer see: Milestones.")
            #expect([.forbidden, .notFound].contains(try await motherBrowser.get(ask).status))
            response = try await rosaBrowser.post(ask, [:], tokenFrom: ask)
            #expect(response.status == .seeOther)
            #expect(try await rosaBrowser.get(ask).location == "/consents/\(consent.id!)")
            response = try await motherBrowser.get(shared)
            #expect(response.status == .forbidden && !response.body.string.contains("private walk"))
            #expect(try await motherAPI.send(.GET, shared).0.status == .forbidden)
            #expect(
                try await rosaBrowser.post("/consents/\(consent.id!)/revoke", [:], tokenFrom: new).status == .conflict)

            // The history lists every view, to whom and what.
            let history = try await rosaBrowser.get("/participants/\(w.rosa.id!)/disclosures").body.string
            #expect(history.components(separatedBy: "Elena Mother").count - 1 == 2)
            #expect(history.contains("Liaison"))
            disclosures = try await Disclosure.query(on: app.db).all()
            #expect(disclosures.count == 3)

            // Until the end of the engagement: once it is completed, nothing more.
            let again = try await ConsentService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.rosaAccount.user, organization: w.admin.organization, role: .participant)
            ).create(
                w.rosa.id!,
                .init(
                    recipientKind: "account", recipientEmail: "mother@example.org", categories: ["milestones"],
                    purpose: "family_support", expiryKind: "engagement", typedName: "Rosa Lopez"))
            #expect(try await motherBrowser.get(shared).status == .ok)
            w.engagement.status = .completed
            try await w.engagement.save(on: app.db)
            #expect(try await motherBrowser.get(shared).status == .forbidden)
            #expect(
                again.state(
                    endedEngagements: [w.engagement.id!], today: ParticipantService.today(in: w.admin.organization))
                    == "engagement_ended")
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == "disclosure.view")
                    .filter(\.$outcome == "denied").count() >= 4)
        }
    }

    @Test("a coach records a consent with the person for an outside party and sends the document with the notice")
    func outsideParty() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let coach = try await TestBrowser.signedIn(app, w.coach)
            let new = "/participants/\(w.rosa.id!)/consents"
            var response = try await coach.post(
                new,
                pairs: Self.consentForm(
                    kind: "organization", email: "", name: "Kent County Drug Court",
                    categories: ["check_ins", "milestones"], purpose: "court_program", expiry: "day",
                    expiresOn: "2099-12-31"), tokenFrom: new + "/new")
            #expect(response.status == .seeOther)
            let consent = try #require(try await ConsentRecord.query(on: app.db).first())
            #expect(consent.inPerson && consent.enteredBy == w.coach.user.id && consent.recipientUserID == nil)
            response = try await coach.post(
                "/consents/\(consent.id!)/disclosures", [:], tokenFrom: "/consents/\(consent.id!)")
            let document = response.body.string
            #expect(response.status == .ok && document.contains(ConsentRules.notice))
            #expect(document.contains("Kent County Drug Court") && document.contains("private walk"))
            let disclosure = try #require(try await Disclosure.query(on: app.db).first())
            #expect(disclosure.kind == .export && disclosure.disclosedBy == w.coach.user.id)
            #expect(Set(disclosure.categories) == [.checkIns, .milestones] && disclosure.purpose == "court_program")
            // The person revokes from their own account; no document can be made any more.
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            #expect(try await rosa.post("/consents/\(consent.id!)/revoke", [:], tokenFrom: new).status == .seeOther)
            response = try await coach.post(
                "/consents/\(consent.id!)/disclosures", [:], tokenFrom: "/consents/\(consent.id!)")
            #expect(response.status == .conflict)
            #expect(try await Disclosure.query(on: app.db).count() == 1)
            // A family member's consent is seen by signing in, never sent as a document.
            let account = try await ConsentService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.coach.user, organization: w.admin.organization, role: .coach)
            ).create(
                w.rosa.id!,
                .init(
                    recipientKind: "account", recipientEmail: "mother@example.org", categories: ["milestones"],
                    purpose: "family_support", expiryKind: "engagement", typedName: "Rosa Lopez"))
            response = try await coach.post(
                "/consents/\(account.id!)/disclosures", [:], tokenFrom: "/consents/\(account.id!)")
            #expect(response.status == .conflict)
            #expect(try await Disclosure.query(on: app.db).count() == 1)
            // Another coach can neither see nor use the consent.
            let other = try await app.addMember(.coach, to: w.admin.organization, email: "other@example.org")
            #expect(try await TestBrowser.signedIn(app, other).get("/consents/\(consent.id!)").status == .forbidden)
        }
    }

    @Test("the API gives, lists, revokes and reports disclosures; bad bodies are refused and change nothing")
    func api() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let rosa = try await APIClient.signIn(app, w.rosaAccount)
            let path = "/participants/\(w.rosa.id!)/consents"
            var (response, body) = try await rosa.send(
                .POST, path,
                json:
                    #"{"recipientKind":"account","recipientEmail":"nobody@example.org","categories":["plan"],"purpose":"family_support","expiry":"engagement","typedName":"Rosa"}"#
            )
            #expect(response.status == .unprocessableEntity)
            (response, _) = try await rosa.send(
                .POST, path,
                json:
                    #"{"recipientKind":"person","recipientName":"Ana","categories":["plan"],"purpose":"other","expiry":"day","expiresOn":"2001-01-01","typedName":"Rosa"}"#
            )
            #expect(response.status == .unprocessableEntity)
            #expect(try await ConsentRecord.query(on: app.db).count() == 0)
            (response, body) = try await rosa.send(
                .POST, path,
                json:
                    #"{"recipientKind":"account","recipientEmail":"Mother@Example.org","categories":["milestones","meeting_attendance"],"purpose":"family_support","expiry":"engagement","typedName":"Rosa Lopez"}"#
            )
            #expect(response.status == .created && body["state"] as? String == "in_force")
            let id = try #require(body["id"] as? String)
            (response, body) = try await rosa.send(.GET, path)
            #expect((body["items"] as? [[String: Any]])?.count == 1)
            _ = try await APIClient.signIn(app, w.mother).send(.GET, "/shared/\(w.rosa.id!)")
            (response, body) = try await rosa.send(.GET, "/participants/\(w.rosa.id!)/disclosures")
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["recipientName"] as? String == "Elena Mother")
            (response, body) = try await rosa.send(.POST, "/consents/\(id)/revocation")
            #expect(response.status == .ok && body["state"] as? String == "revoked")
            #expect(try await rosa.send(.POST, "/consents/\(id)/revocation").0.status == .conflict)
            // The mother cannot read the consent list or revoke on her own.
            let mother = try await APIClient.signIn(app, w.mother)
            #expect(try await mother.send(.GET, path).0.status == .forbidden)
        }
    }
}
