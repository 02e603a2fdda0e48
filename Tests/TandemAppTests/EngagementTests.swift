import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Engagements and agreements")
struct EngagementTests {
    @Test("status moves along the allowed paths; closing needs a reason; an ended engagement stays ended")
    func status() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (_, engagement) = try await app.makeParticipant(
                "Tomás", in: admin.organization, coach: coach.user, status: .referred)
            let path = "/engagements/\(engagement.id!.uuidString)"
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(try await browser.post(path + "/status", ["status": "paused"], tokenFrom: path).status == .conflict)
            #expect(try await browser.post(path + "/status", ["status": "active"], tokenFrom: path).status == .seeOther)
            #expect(try await browser.post(path + "/status", ["status": "paused"], tokenFrom: path).status == .seeOther)
            let unreasoned = try await browser.post(path + "/status", ["status": "closed"], tokenFrom: path)
            #expect(
                unreasoned.status == .unprocessableEntity && unreasoned.body.string.contains("href=\"#close_reason\""))
            #expect(try await Engagement.find(engagement.id, on: app.db)?.status == .paused)
            #expect(
                try await browser.post(
                    path + "/status", ["status": "closed", "close_reason": "moved"], tokenFrom: path
                )
                .status == .seeOther)
            let closed = try #require(try await Engagement.find(engagement.id, on: app.db))
            #expect(closed.status == .closed && closed.closeReason == .moved && !closed.endDate.isEmpty)
            // An agreement nobody signed before the end no longer waits for signatures.
            let ended = try await browser.get(path).body.string
            #expect(ended.contains("Not signed by both before it ended") && !ended.contains("Waiting for signatures"))
            #expect(try await browser.post(path + "/status", ["status": "active"], tokenFrom: path).status == .conflict)
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == "engagement.status").count() == 3)
        }
    }

    @Test("a supervisor reassigns an engagement; the new coach sees it and the old one no longer does")
    func reassign() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "sup@example.org")
            let rosa = try await app.addMember(.coach, to: admin.organization, email: "rosa@example.org")
            let andre = try await app.addMember(.coach, to: admin.organization, email: "andre@example.org")
            let participant = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, engagement) = try await app.makeParticipant(
                "Keisha Monroe", in: admin.organization, coach: rosa.user)
            let path = "/engagements/\(engagement.id!.uuidString)"
            let rosaBrowser = TestBrowser(app)
            try await rosaBrowser.signIn(rosa)
            #expect(
                try await rosaBrowser.post(
                    path + "/coaches", ["primary_coach": andre.user.id!.uuidString], tokenFrom: path
                )
                .status == .forbidden)
            let browser = TestBrowser(app)
            try await browser.signIn(supervisor)
            let all = try await browser.get("/").body.string
            #expect(all.contains("Keisha Monroe"))
            #expect(
                try await browser.post(
                    path + "/coaches", ["primary_coach": participant.user.id!.uuidString], tokenFrom: path
                )
                .status == .unprocessableEntity)
            let moved = try await browser.post(
                path + "/coaches", pairs: [("primary_coach", andre.user.id!.uuidString)], tokenFrom: path)
            #expect(moved.status == .seeOther)
            let andreBrowser = TestBrowser(app)
            try await andreBrowser.signIn(andre)
            #expect(try await andreBrowser.get("/").body.string.contains("Keisha Monroe"))
            #expect(try await andreBrowser.get("/participants/\(person.id!.uuidString)").status == .ok)
            #expect(!(try await rosaBrowser.get("/").body.string.contains("Keisha Monroe")))
            #expect(try await rosaBrowser.get(path).status == .forbidden)
            let filtered = try await browser.get("/?coach=\(rosa.user.id!.uuidString)").body.string
            #expect(!filtered.contains("Keisha Monroe"))
            let both = try await browser.post(
                path + "/coaches",
                pairs: [("primary_coach", andre.user.id!.uuidString), ("other_coaches[]", rosa.user.id!.uuidString)],
                tokenFrom: path)
            #expect(both.status == .seeOther)
            #expect(try await rosaBrowser.get(path).status == .ok)
        }
    }

    @Test("caseload filters by status and service type")
    func caseloadFilters() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            try await app.makeParticipant("Ana Active", in: admin.organization, coach: coach.user)
            try await app.makeParticipant(
                "Cal Closed", in: admin.organization, coach: coach.user, service: .soberEscort, status: .closed)
            try await app.makeParticipant(
                "Fay Family", in: admin.organization, coach: coach.user, service: .familyRecoveryCoaching)
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let open = try await browser.get("/").body.string
            #expect(open.contains("Ana Active") && open.contains("Fay Family") && !open.contains("Cal Closed"))
            let closed = try await browser.get("/?status=closed").body.string
            #expect(closed.contains("Cal Closed") && !closed.contains("Ana Active"))
            let family = try await browser.get("/?status=all&service=family_recovery_coaching").body.string
            #expect(family.contains("Fay Family") && !family.contains("Ana Active") && !family.contains("Cal Closed"))
            #expect(try await browser.get("/?status=nonsense&service=%00&page=-4").status == .ok)
        }
    }

    @Test("a caseload longer than a page continues on the next, for the coach and organization-wide")
    func caseloadPages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            // One more than a page (100), and one closed that the open view leaves out.
            for index in 0..<101 {
                try await app.makeParticipant(
                    "Person \(String(format: "%03d", index))", in: admin.organization, coach: coach.user)
            }
            try await app.makeParticipant(
                "Person 050 closed", in: admin.organization, coach: coach.user, status: .closed)
            for account in [coach, admin] {
                let browser = TestBrowser(app)
                try await browser.signIn(account)
                let first = try await browser.get("/").body.string
                #expect(first.components(separatedBy: "href=\"/engagements/").count - 1 == 100)
                #expect(first.contains("Person 099") && !first.contains("Person 100") && first.contains("rel=\"next\""))
                #expect(!first.contains("rel=\"prev\"") && !first.contains("Person 050 closed"))
                let second = try await browser.get("/?status=open&page=2").body.string
                #expect(second.components(separatedBy: "href=\"/engagements/").count - 1 == 1)
                #expect(
                    second.contains("Person 100") && !second.contains("rel=\"next\"") && second.contains("rel=\"prev\"")
                )
            }
        }
    }

    @Test("names on the caseload and in the coach filter are escaped")
    func caseloadEscapes() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            coach.user.displayName = "Rosa <b>&</b>"
            try await coach.user.save(on: app.db)
            try await app.makeParticipant("Al <script>x</script>", in: admin.organization, coach: coach.user)
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let own = try await browser.get("/").body.string
            #expect(own.contains("Al &lt;script&gt;x&lt;/script&gt;") && !own.contains("<script>x"))
            let supervisor = TestBrowser(app)
            try await supervisor.signIn(admin)
            let all = try await supervisor.get("/?coach=\(coach.user.id!.uuidString)").body.string
            #expect(all.contains("Al &lt;script&gt;x&lt;/script&gt;"))
            #expect(all.contains("<td data-label=\"Primary coach\">Rosa &lt;b&gt;&amp;&lt;/b&gt;</td>"))
            #expect(
                all.contains(
                    "<option value=\"\(coach.user.id!.uuidString)\" selected>Rosa &lt;b&gt;&amp;&lt;/b&gt;</option>"))
        }
    }

    @Test("participant and coach each sign the current version; a new version asks for new signatures")
    func signing() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let member = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (_, engagement) = try await app.makeParticipant(
                "Jamie", in: admin.organization, coach: coach.user, user: member.user)
            let path = "/engagements/\(engagement.id!.uuidString)"
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            let page = try await coachBrowser.get(path).body.string
            #expect(page.contains("name=\"signer\" value=\"coach\""))
            #expect(
                try await coachBrowser.post(
                    path + "/signatures", ["signer": "coach", "typed_name": " ", "version": "1"], tokenFrom: path
                )
                .status == .unprocessableEntity)
            #expect(
                try await coachBrowser.post(
                    path + "/signatures", ["signer": "participant", "typed_name": "Forged", "version": "1"],
                    tokenFrom: path
                ).status == .forbidden)
            #expect(
                try await coachBrowser.post(
                    path + "/signatures", ["signer": "coach", "typed_name": "Casey Coach", "version": "1"],
                    tokenFrom: path
                ).status == .seeOther)
            #expect(
                try await coachBrowser.post(
                    path + "/signatures", ["signer": "coach", "typed_name": "Casey Coach", "version": "1"],
                    tokenFrom: path
                ).status == .conflict)
            let participant = TestBrowser(app)
            try await participant.signIn(member)
            #expect(
                try await participant.post(
                    path + "/signatures", ["signer": "coach", "typed_name": "Jamie", "version": "1"], tokenFrom: path
                ).status == .forbidden)
            #expect(
                try await participant.post(
                    path + "/signatures", ["signer": "participant", "typed_name": "Jamie Okafor", "version": "1"],
                    tokenFrom: path
                ).status == .seeOther)
            let signed = try await participant.get(path + "/agreement").body.string
            #expect(signed.contains("Jamie Okafor") && signed.contains("Casey Coach"))
            #expect(signed.contains("What coaching is"))
            #expect(try await AgreementSignature.query(on: app.db).count() == 2)
            // In Spanish, the built-in text reads in Spanish.
            _ = try await participant.post("/language", ["lang": "es", "back": "/"], tokenFrom: "/")
            let spanish = try await participant.get(path + "/agreement").body.string
            #expect(spanish.contains("Qué es el acompañamiento") && spanish.contains("lang=\"es\""))
            _ = try await participant.post("/language", ["lang": "en", "back": "/"], tokenFrom: "/")

            let adminBrowser = TestBrowser(app)
            try await adminBrowser.signIn(admin)
            #expect(
                try await adminBrowser.post("/admin/agreement", ["text": "   "], tokenFrom: "/admin/agreement").status
                    == .unprocessableEntity)
            #expect(
                try await adminBrowser.post(
                    "/admin/agreement", ["text": "We agree to meet weekly.\n\nEither may end this."],
                    tokenFrom: "/admin/agreement"
                ).status == .ok)
            #expect(try await AgreementVersion.query(on: app.db).count() == 2)
            // Its own text in English only: a Spanish reader sees the English, marked as such.
            _ = try await participant.post("/language", ["lang": "es", "back": "/"], tokenFrom: "/")
            let englishOnly = try await participant.get(path + "/agreement").body.string
            #expect(englishOnly.contains("We agree to meet weekly.") && englishOnly.contains("lang=\"en\""))
            // With a Spanish text beside it (a new version), that is what the Spanish reader reads.
            #expect(
                try await adminBrowser.post(
                    "/admin/agreement",
                    ["text": "We agree to meet weekly.\n\nEither may end this.", "text_es": "Nos vemos cada semana."],
                    tokenFrom: "/admin/agreement"
                ).status == .ok)
            #expect(try await AgreementVersion.query(on: app.db).count() == 3)
            #expect(try await participant.get(path + "/agreement").body.string.contains("Nos vemos cada semana."))
            // The English changed, the Spanish left as it was: refused, nothing new to sign.
            let staleSpanish = try await adminBrowser.post(
                "/admin/agreement", ["text": "We meet every week.", "text_es": "Nos vemos cada semana."],
                tokenFrom: "/admin/agreement")
            #expect(staleSpanish.status == .unprocessableEntity && staleSpanish.body.string.contains("text_es-error"))
            #expect(try await AgreementVersion.query(on: app.db).count() == 3)
            _ = try await participant.post("/language", ["lang": "en", "back": "/"], tokenFrom: "/")
            #expect(!(try await participant.get(path + "/agreement").body.string.contains("Nos vemos")))
            let stale = try await participant.post(
                path + "/signatures", ["signer": "participant", "typed_name": "Jamie Okafor", "version": "1"],
                tokenFrom: path)
            #expect(stale.status == .conflict)
            let renewed = try await participant.get(path + "/agreement").body.string
            #expect(renewed.contains("We agree to meet weekly.") && !renewed.contains("Casey Coach"))
            let engagementPage = try await participant.get(path).body.string
            #expect(engagementPage.contains("name=\"version\" value=\"3\""))
            #expect(try await coachBrowser.get("/admin/agreement").status == .forbidden)
        }
    }

    @Test("a coach records the participant's signature given in person, as witness")
    func inPerson() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (_, engagement) = try await app.makeParticipant("Eli", in: admin.organization, coach: coach.user)
            let path = "/engagements/\(engagement.id!.uuidString)"
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(
                try await browser.post(
                    path + "/signatures",
                    ["signer": "participant_in_person", "typed_name": "Eli Brandt", "version": "1"],
                    tokenFrom: path
                ).status == .seeOther)
            let signature = try #require(try await AgreementSignature.query(on: app.db).first())
            #expect(signature.signer == .participant && signature.$signerUser.id == nil)
            #expect(signature.$recordedBy.id == coach.user.id)
            #expect(try await browser.get(path).body.string.contains("signed in person"))
        }
    }

    @Test("another engagement can be opened for the same person")
    func openAnother() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (person, _) = try await app.makeParticipant("Eli", in: admin.organization, coach: coach.user)
            let path = "/participants/\(person.id!.uuidString)/engagements"
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(
                try await browser.post(path, ["service_type": "x"], tokenFrom: path + "/new").status
                    == .unprocessableEntity)
            // A start a century back, or years ahead, is a slip of the year.
            for start in ["1900-01-01", "2099-01-01"] {
                let refused = try await browser.post(
                    path,
                    [
                        "service_type": "sober_companion", "referral_source": "court", "funding": "private_pay",
                        "status": "referred", "start_date": start,
                    ],
                    tokenFrom: path + "/new")
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains("ten years"))
            }
            let opened = try await browser.post(
                path,
                [
                    "service_type": "sober_companion", "referral_source": "court", "funding": "private_pay",
                    "status": "referred",
                ],
                tokenFrom: path + "/new")
            #expect(opened.status == .seeOther)
            #expect(try await Engagement.query(on: app.db).filter(\.$participant.$id == person.id!).count() == 2)
        }
    }
}
