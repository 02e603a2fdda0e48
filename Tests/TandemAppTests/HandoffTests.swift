import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Hand-offs from treatment centers through the pages: a liaison refers, an admin accepts,
/// the coach's contact completes the planned ones, the liaison sees it only with consent.
@Suite("Hand-offs from treatment centers")
struct HandoffTests {
    struct World {
        let admin: Account
        let coach: Account
        let otherCoach: Account
        let partner: Account
        let otherPartner: Account
        let participant: Account
    }

    static func world(_ app: Application) async throws -> World {
        let admin = try await app.makeOrganization()
        let organization = admin.organization
        return World(
            admin: admin, coach: try await app.addMember(.coach, to: organization, email: "coach@example.org"),
            otherCoach: try await app.addMember(.coach, to: organization, email: "other@example.org"),
            partner: try await app.addMember(.partner, to: organization, email: "liaison@example.org"),
            otherPartner: try await app.addMember(.partner, to: organization, email: "liaison2@example.org"),
            participant: try await app.addMember(.participant, to: organization, email: "p@example.org"))
    }

    static func today(_ app: Application, _ w: World) -> CalendarDate {
        ParticipantService.today(in: w.admin.organization)
    }

    static func referral(discharge: CalendarDate, consent: Bool = true) -> [String: String] {
        var fields = [
            "treatment_center": "Lakeside Treatment", "preferred_name": "Sam Rivera", "phone": "555 0100",
            "email": "", "language": "en", "discharge_date": discharge.description, "service_type": "virtual_coaching",
            "notes": "Evenings are best",
        ]
        if consent {
            fields["status_consent"] = "on"
            fields["consent_signed_name"] = "Sam Rivera"
        }
        return fields
    }

    static func acceptance(coach: User, date: CalendarDate) -> [String: String] {
        [
            "coach_id": coach.id!.uuidString, "funding": "grant", "call_date": date.description, "call_start": "10:00",
            "call_end": "10:30", "call_mode": "phone", "call_link": "555 0100",
        ]
    }

    @Test("a liaison refers, an admin accepts, a contact counts on time, and the liaison sees it with consent only")
    func wholeHandoff() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let today = Self.today(app, w)
            let discharge = today.adding(days: 3)!
            let liaison = try await TestBrowser.signedIn(app, w.partner)

            // A referral without a way to reach the person changes nothing.
            var fields = Self.referral(discharge: discharge)
            fields["phone"] = ""
            var response = try await liaison.post("/handoffs", fields, tokenFrom: "/handoffs/new")
            #expect(response.status == .unprocessableEntity && response.body.string.contains("phone-error"))
            #expect(try await Handoff.query(on: app.db).count() == 0)

            response = try await liaison.post(
                "/handoffs", Self.referral(discharge: discharge), tokenFrom: "/handoffs/new")
            #expect(response.status == .seeOther && response.location == "/handoffs?sent=1")
            let handoff = try #require(try await Handoff.query(on: app.db).first())
            #expect(handoff.status == .referred && handoff.partnerUserID == w.partner.user.id)
            // Admins and supervisors hear of it by e-mail, without the person's name.
            let mail = try await OutboxMessage.query(on: app.db).filter(\.$kind == "handoff").all()
            #expect(mail.map(\.recipient) == [w.admin.email])
            #expect(mail.allSatisfy { !$0.body.contains("Sam") && !$0.subject.contains("Sam") })
            let list = try await liaison.get("/handoffs").body.string
            #expect(list.contains("Sam Rivera") && list.contains("Waiting"))
            // The new-referral form remembers the liaison's treatment center.
            #expect(try await liaison.get("/handoffs/new").body.string.contains("value=\"Lakeside Treatment\""))

            // Nobody else sees it: another liaison, a coach, a participant.
            let page = "/handoffs/\(handoff.id!)"
            let other = try await TestBrowser.signedIn(app, w.otherPartner)
            #expect(try await other.get(page).status == .notFound)
            #expect(!(try await other.get("/handoffs").body.string.contains("Sam Rivera")))
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(try await coach.get(page).status == .notFound)
            #expect(try await coach.get("/handoffs").status == .forbidden)
            let participant = try await TestBrowser.signedIn(app, w.participant)
            #expect(try await participant.get("/handoffs").status == .forbidden)
            #expect(
                try await participant.post("/handoffs", Self.referral(discharge: discharge), tokenFrom: "/").status
                    == .forbidden)
            #expect(
                try await coach.post(
                    "\(page)/accept", Self.acceptance(coach: w.coach.user, date: discharge), tokenFrom: "/"
                )
                .status == .forbidden)

            // The admin's decision: a missing coach changes nothing.
            let admin = try await TestBrowser.signedIn(app, w.admin)
            #expect(try await admin.get("/handoffs").body.string.contains("Sam Rivera"))
            var accept = Self.acceptance(coach: w.coach.user, date: today.adding(days: 2)!)
            accept["coach_id"] = ""
            response = try await admin.post("\(page)/accept", accept, tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("primary_coach-error"))
            #expect(try await Participant.query(on: app.db).count() == 0)
            response = try await admin.post(
                "\(page)/accept", Self.acceptance(coach: w.coach.user, date: today.adding(days: 2)!), tokenFrom: page)
            #expect(response.status == .seeOther)
            #expect(
                try await admin.post(
                    "\(page)/accept", Self.acceptance(coach: w.coach.user, date: today.adding(days: 2)!),
                    tokenFrom: page
                ).status == .conflict)
            #expect(try await Participant.query(on: app.db).count() == 1)

            let accepted = try #require(try await Handoff.find(handoff.id, on: app.db))
            #expect(accepted.status == .accepted)
            let person = try #require(try await Participant.find(accepted.participantID, on: app.db))
            #expect(person.preferredName == "Sam Rivera" && person.phone == "555 0100")
            let engagement = try #require(try await Engagement.find(accepted.engagementID, on: app.db))
            #expect(engagement.serviceType == .virtualCoaching && engagement.referralSource == .treatmentCenter)
            #expect(engagement.status == .active)
            let call = try #require(try await Appointment.find(accepted.appointmentID, on: app.db))
            #expect(call.coachID == w.coach.user.id && call.mode == "phone" && call.videoLink == "555 0100")
            let contacts = try await HandoffContact.query(on: app.db).sort(\.$sequence).all()
            #expect(contacts.count == 14)
            #expect(contacts.first?.dueOn == discharge.description && contacts.first?.kind == "introduction")
            #expect(contacts.last?.dueOn == discharge.adding(days: 84)!.description)
            let consent = try #require(try await ConsentRecord.query(on: app.db).first())
            #expect(consent.recipientUserID == w.partner.user.id && consent.categories == [.handoffStatus])
            #expect(consent.engagementID == engagement.id && consent.signedName == "Sam Rivera")

            // The referral is part of the person's data.
            let data = try await admin.get("/participants/\(person.id!)/data.json").body.string
            #expect(data.contains("\"handoffs\"") && data.contains("Lakeside Treatment") && data.contains("Evenings"))

            // The assigned coach now sees the hand-off and the person; another coach does not.
            #expect(try await coach.get(page).status == .ok)
            #expect(try await TestBrowser.signedIn(app, w.otherCoach).get(page).status == .notFound)

            // The liaison sees the plan: the introduction due, the rest upcoming; each look is a disclosure.
            var seen = try await liaison.get(page).body.string
            #expect(
                seen.contains("id=\"handoff-contacts\"") && seen.contains("Can be made now")
                    && seen.contains("Upcoming"))
            #expect(!seen.contains("Open the person&#39;s record") && !seen.contains("/participants/"))
            #expect(try await Disclosure.query(on: app.db).filter(\.$participantID == person.id!).count() >= 1)

            // The coach's call that reached the person completes the introduction, on time.
            response = try await coach.post(
                "/participants/\(person.id!)/outreach", ["method": "phone", "outcome": "reached", "reason": ""],
                tokenFrom: "/outreach")
            #expect(response.status == .seeOther)
            let intro = try #require(try await HandoffContact.query(on: app.db).filter(\.$sequence == 0).first())
            #expect(intro.completedAt != nil)
            #expect(try await HandoffContact.query(on: app.db).filter(\.$completedAt == nil).count() == 13)
            seen = try await liaison.get(page).body.string
            #expect(seen.contains("On time"))

            // The person takes the consent back: the liaison sees no status any more.
            response = try await coach.post(
                "/consents/\(consent.id!)/revoke", [:], tokenFrom: "/participants/\(person.id!)/consents")
            #expect(response.status == .seeOther)
            seen = try await liaison.get(page).body.string
            #expect(!seen.contains("handoff-contacts") && !seen.contains("On time") && seen.contains("Not shared"))
            #expect(!(try await liaison.get("/handoffs").body.string.contains("Accepted")))
            // Consent gone, withdrawing tells nothing of the acceptance: it reads withdrawn.
            #expect(seen.contains("id=\"withdraw-handoff\""))
            response = try await liaison.post("\(page)/withdraw", [:], tokenFrom: page)
            #expect(response.status == .seeOther)
            seen = try await liaison.get(page).body.string
            #expect(element("handoff-status", in: seen) == "Withdrawn" && !seen.contains("Accepted"))
            #expect(try await Handoff.find(handoff.id, on: app.db)?.status == .accepted)
        }
    }

    @Test("an overdue aftercare contact puts the person on the coach's outreach list until they are reached")
    func overdue() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let today = Self.today(app, w)
            let liaison = try await TestBrowser.signedIn(app, w.partner)
            try await liaison.post(
                "/handoffs", Self.referral(discharge: today.adding(days: 1)!), tokenFrom: "/handoffs/new")
            let handoff = try #require(try await Handoff.query(on: app.db).first())
            let admin = try await TestBrowser.signedIn(app, w.admin)
            let page = "/handoffs/\(handoff.id!)"
            try await admin.post(
                "\(page)/accept", Self.acceptance(coach: w.coach.user, date: today.adding(days: 1)!), tokenFrom: page)
            let personID = try #require(try await Handoff.find(handoff.id, on: app.db)?.participantID)
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(!(try await coach.get("/outreach").body.string.contains("Aftercare contact overdue")))
            // Time passes: the introduction's day has gone by without contact.
            try await HandoffContact.query(on: app.db).filter(\.$sequence == 0)
                .set(\.$opensOn, to: today.adding(days: -5)!.description)
                .set(\.$dueOn, to: today.adding(days: -1)!.description).update()
            let list = try await coach.get("/outreach").body.string
            #expect(list.contains("outreach-\(personID)") && list.contains("Aftercare contact overdue"))
            #expect(try await coach.get("/").body.string.contains("Aftercare contact overdue"))
            let response = try await coach.post(
                "/participants/\(personID)/outreach",
                ["method": "phone", "outcome": "reached", "reason": "aftercare_overdue"],
                tokenFrom: "/outreach")
            #expect(response.status == .seeOther)
            let intro = try #require(try await HandoffContact.query(on: app.db).filter(\.$sequence == 0).first())
            #expect(intro.completedAt != nil)
            #expect(intro.timing(today: today, in: .gmt) == .late)
            #expect(!(try await coach.get("/outreach").body.string.contains("Aftercare contact overdue")))
        }
    }

    @Test("declining needs a reason the liaison sees with consent; without consent only that it was sent")
    func declineAndWithdraw() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let today = Self.today(app, w)
            let liaison = try await TestBrowser.signedIn(app, w.partner)
            #expect(try await liaison.get("/").body.string.contains("id=\"home-refer-someone\""))
            try await liaison.post("/handoffs", Self.referral(discharge: today), tokenFrom: "/handoffs/new")
            // A signed name without the box ticked is asked about; nothing is sent.
            var halfGiven = Self.referral(discharge: today, consent: false)
            halfGiven["consent_signed_name"] = "Sam Rivera"
            let asked = try await liaison.post("/handoffs", halfGiven, tokenFrom: "/handoffs/new")
            #expect(asked.status == .unprocessableEntity && asked.body.string.contains("consent_signed_name-error"))
            #expect(try await Handoff.query(on: app.db).count() == 1)
            let private_ = try await liaison.post(
                "/handoffs", Self.referral(discharge: today, consent: false), tokenFrom: "/handoffs/new")
            // The liaison is told they will not see how it goes.
            #expect(private_.location == "/handoffs?sent=private")
            #expect(try await liaison.get("/handoffs?sent=private").body.string.contains("did not agree to share"))
            let rows = try await Handoff.query(on: app.db).all()
            let withConsent = try #require(rows.first(where: { $0.statusConsent }))
            let without = try #require(rows.first(where: { !$0.statusConsent }))
            #expect(without.consentSignedName == "")
            let admin = try await TestBrowser.signedIn(app, w.admin)
            for handoff in [withConsent, without] {
                let page = "/handoffs/\(handoff.id!)"
                let empty = try await admin.post("\(page)/decline", ["reason": " "], tokenFrom: page)
                #expect(empty.status == .unprocessableEntity && empty.body.string.contains("reason-error"))
                #expect(
                    try await admin.post("\(page)/decline", ["reason": "No virtual coach free"], tokenFrom: page).status
                        == .seeOther)
            }
            let seen = try await liaison.get("/handoffs/\(withConsent.id!)").body.string
            #expect(seen.contains("Declined") && seen.contains("No virtual coach free"))
            let hidden = try await liaison.get("/handoffs/\(without.id!)").body.string
            #expect(
                !hidden.contains("Declined") && !hidden.contains("No virtual coach free")
                    && hidden.contains("Not shared"))
            // Nothing on the page or in the answer to a withdrawal tells the liaison without
            // consent that a decision was made: it may be withdrawn as if it were still waiting.
            #expect(hidden.contains("id=\"withdraw-handoff\"") && !seen.contains("id=\"withdraw-handoff\""))
            let taken = try await liaison.post(
                "/handoffs/\(without.id!)/withdraw", [:], tokenFrom: "/handoffs/\(without.id!)")
            #expect(taken.status == .seeOther)
            let after = try await liaison.get("/handoffs/\(without.id!)").body.string
            #expect(element("handoff-status", in: after) == "Withdrawn" && !after.contains("id=\"withdraw-handoff\""))
            // Listed among the decided ones as withdrawn, no longer among the waiting ones.
            let listed = try await liaison.get("/handoffs").body.string
            #expect(listSection("handoffs-decided", in: listed).contains(without.id!.uuidString))
            #expect(!listSection("handoffs-waiting", in: listed).contains(without.id!.uuidString))
            let kept = try #require(try await Handoff.find(without.id, on: app.db))
            #expect(kept.status == .declined && kept.partnerWithdrewAt != nil)
            let staffView = try await admin.get("/handoffs/\(without.id!)").body.string
            #expect(
                element("handoff-status", in: staffView) == "Declined" && staffView.contains("id=\"partner-withdrew\""))

            // A liaison may withdraw a referral still waiting, only their own, only once.
            try await liaison.post("/handoffs", Self.referral(discharge: today), tokenFrom: "/handoffs/new")
            let waiting = try #require(try await Handoff.query(on: app.db).filter(\.$status == .referred).first())
            let other = try await TestBrowser.signedIn(app, w.otherPartner)
            #expect(
                try await other.post("/handoffs/\(waiting.id!)/withdraw", [:], tokenFrom: "/handoffs").status
                    == .notFound)
            #expect(
                try await liaison.post("/handoffs/\(waiting.id!)/withdraw", [:], tokenFrom: "/handoffs").status
                    == .seeOther)
            #expect(try await Handoff.find(waiting.id, on: app.db)?.status == .withdrawn)
            #expect(
                try await liaison.post("/handoffs/\(waiting.id!)/withdraw", [:], tokenFrom: "/handoffs").status
                    == .conflict)
        }
    }

    @Test("the aftercare template is the organization's, set with the outreach rules")
    func template() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let admin = try await TestBrowser.signedIn(app, w.admin)
            let bad = try await admin.post(
                "/admin/outreach", ["no_contact_days": "14", "check_up_days": "30", "aftercare_days": "1, never"],
                tokenFrom: "/admin/outreach")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("aftercare_days-error"))
            #expect(try await OutreachSettings.query(on: app.db).count() == 0)
            let good = try await admin.post(
                "/admin/outreach", ["no_contact_days": "14", "check_up_days": "30", "aftercare_days": "2, 30"],
                tokenFrom: "/admin/outreach")
            #expect(good.status == .ok)
            let today = Self.today(app, w)
            let liaison = try await TestBrowser.signedIn(app, w.partner)
            try await liaison.post(
                "/handoffs", Self.referral(discharge: today.adding(days: 2)!), tokenFrom: "/handoffs/new")
            let handoff = try #require(try await Handoff.query(on: app.db).first())
            let page = "/handoffs/\(handoff.id!)"
            try await admin.post(
                "\(page)/accept", Self.acceptance(coach: w.coach.user, date: today.adding(days: 1)!), tokenFrom: page)
            let due = try await HandoffContact.query(on: app.db).sort(\.$sequence).all().map(\.dueOn)
            #expect(due == [2, 4, 32].map { today.adding(days: $0)!.description })
        }
    }

    @Test("through the API: refer, accept, and the liaison sees the contacts only with consent and never the ids")
    func api() async throws {
        try await withTandem { app in
            let w = try await Self.world(app)
            let today = Self.today(app, w)
            let liaison = try await APIClient.signIn(app, w.partner)
            let bad = try await liaison.send(
                .POST, "/handoffs",
                json:
                    #"{"treatmentCenter":"Lakeside","preferredName":"Sam","dischargeDate":"soon","serviceType":"virtual_coaching","statusConsent":false}"#
            )
            #expect(bad.0.status == .unprocessableEntity)
            #expect(try await Handoff.query(on: app.db).count() == 0)
            let sent = try await liaison.send(
                .POST, "/handoffs",
                json: """
                    {"treatmentCenter":"Lakeside","preferredName":"Sam","email":"sam@example.org",\
                    "dischargeDate":"\(today.adding(days: 2)!)","serviceType":"sober_escort","statusConsent":true,\
                    "consentSignedName":"Sam R"}
                    """)
            #expect(sent.0.status == .created && sent.1["status"] as? String == "referred")
            let id = try #require(sent.1["id"] as? String)
            // Only admins and supervisors decide; a coach and the liaison are refused.
            let acceptance = """
                {"coachId":"\(w.coach.user.id!.uuidString)","funding":"grant","callDate":"\(today.adding(days: 1)!)",\
                "callStart":"09:00","callEnd":"09:30","callMode":"video","callLink":"https://meet.example.org/sam"}
                """
            #expect(
                try await liaison.send(.POST, "/handoffs/\(id)/acceptance", json: acceptance).0.status == .forbidden)
            let coach = try await APIClient.signIn(app, w.coach)
            #expect(try await coach.send(.GET, "/handoffs/\(id)").0.status == .notFound)
            let admin = try await APIClient.signIn(app, w.admin)
            let accepted = try await admin.send(.POST, "/handoffs/\(id)/acceptance", json: acceptance)
            #expect(accepted.0.status == .ok && accepted.1["status"] as? String == "accepted")
            #expect(accepted.1["participantId"] as? String != nil && accepted.1["appointmentId"] as? String != nil)
            #expect((accepted.1["contacts"] as? [Any])?.count == 14)
            let seen = try await liaison.send(.GET, "/handoffs/\(id)")
            #expect(seen.1["statusShared"] as? Bool == true && (seen.1["contacts"] as? [Any])?.count == 14)
            #expect(seen.1["participantId"] == nil || seen.1["participantId"] is NSNull)
            let other = try await APIClient.signIn(app, w.otherPartner)
            #expect(try await other.send(.GET, "/handoffs/\(id)").0.status == .notFound)
            #expect((try await other.send(.GET, "/handoffs").1["items"] as? [Any])?.isEmpty == true)

            let consent = try #require(try await ConsentRecord.query(on: app.db).first())
            let revoked = try await coach.send(.POST, "/consents/\(consent.id!)/revocation", json: "{}")
            #expect(revoked.0.status == .ok, "\(revoked.1)")
            let hidden = try await liaison.send(.GET, "/handoffs/\(id)")
            #expect(hidden.1["statusShared"] as? Bool == false && (hidden.1["contacts"] as? [Any])?.isEmpty == true)
            #expect(hidden.1["status"] == nil || hidden.1["status"] is NSNull)
        }
    }
}
