import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Referrals")
struct ReferralTests {
    static func service(_ app: Application, _ account: Account, _ role: Role) -> ReferralService {
        ReferralService(
            Request(application: app, on: app.eventLoopGroup.any()),
            actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    @Test("made, moved on with the person's agreement, closed with an outcome; followed up; audited")
    func lifecycle() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let account = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: account.user)
            let detox = try await ResourceTests.service(app, admin, .admin).save(nil, ResourceTests.detox())
            let referrals = Self.service(app, coach, .coach)
            let today = ParticipantService.today(in: admin.organization)

            do {
                _ = try await referrals.create(
                    person.id!, .init(resourceID: UUID(), reason: "", followUp: "2001-01-01"))
                Issue.record("a bad referral was kept")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["resource", "reason", "follow_up"])
            }
            await #expect(throws: ServiceError.self) {
                try await Self.service(app, other, .coach).create(
                    person.id!, .init(resourceID: detox.id, reason: "detox"))
            }
            #expect(try await Referral.query(on: app.db).count() == 0)

            let referral = try await referrals.create(
                person.id!, .init(resourceID: detox.id, reason: "Safe withdrawal", followUp: today.description))
            #expect(
                referral.status == .suggested && !referral.agreed && referral.resourceName == "Harbor Withdrawal Center"
            )
            // Not past "suggested" until the person agrees.
            do {
                _ = try await referrals.move(referral.id!, .init(status: .contacted))
                Issue.record("moved on without agreement")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["agreed"])
            }
            // The follow-up is due today: it is in the coach's list, not in another coach's.
            #expect(try await referrals.followUps().map(\.referralID) == [referral.id])
            #expect(try await Self.service(app, other, .coach).followUps().isEmpty)
            #expect(try await Self.service(app, admin, .admin).followUps(coach: coach.user.id).count == 1)
            // Supervisors and admins read referrals; only the person's coaches and the person make them.
            await #expect(throws: ServiceError.self) {
                try await Self.service(app, admin, .admin).create(
                    person.id!, .init(resourceID: detox.id, reason: "detox", agreed: true))
            }
            #expect(try await Self.service(app, admin, .admin).list(of: person.id!).referrals.count == 1)

            let later = today.adding(days: 3)!.description
            _ = try await referrals.move(
                referral.id!, .init(status: .contacted, note: "Called intake", agreed: true, followUp: later))
            #expect(try await referrals.followUps().isEmpty)
            _ = try await referrals.move(referral.id!, .init(status: .connected))
            do {
                _ = try await referrals.move(referral.id!, .init(status: .closed))
                Issue.record("closed without an outcome")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["outcome"])
            }
            let closed = try await referrals.move(referral.id!, .init(status: .closed, outcome: "helped"))
            #expect(closed.status == .closed && closed.outcome == "helped" && closed.closedAt != nil)
            #expect(closed.followUpOn == "")
            await #expect(throws: ServiceError.self) {
                try await referrals.move(referral.id!, .init(status: .declined))
            }
            let detail = try await referrals.referral(referral.id!)
            #expect(detail.steps.map(\.step.status) == [.suggested, .contacted, .connected, .closed])
            #expect(detail.steps[1].step.note == "Called intake" && detail.steps[1].by == coach.user.displayName)
            #expect(!detail.canChange)

            // The person refers themself: agreed by making it; they see their own, not others'.
            let own = Self.service(app, account, .participant)
            let mine = try await own.create(person.id!, .init(resourceID: detox.id, reason: "Going back"))
            #expect(mine.agreed && mine.byParticipant)
            #expect(try await own.list(of: person.id!).referrals.count == 2)

            // Two moves at once from the same step: exactly one wins.
            async let first = try? referrals.move(mine.id!, .init(status: .contacted))
            async let second = try? referrals.move(mine.id!, .init(status: .scheduled))
            let results = await [first, second].compactMap { $0 }
            #expect(results.count == 1)

            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == person.id!).all(\.$action)
            #expect(
                trail.contains("referral.create") && trail.contains("referral.step") && trail.contains("referral.view"))
        }
    }

    @Test("the referral pages: find a resource near the saved place, refer, move on, follow up from outreach")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let account = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: account.user)
            let directory = ResourceTests.service(app, admin, .admin)
            // An empty directory says so, rather than asking for fewer words.
            let coaching = try await TestBrowser.signedIn(app, coach)
            let empty = try await coaching.get("/participants/\(person.id!)/referrals/new?q=detox").body.string
            #expect(empty.contains("The directory has no resources yet."))
            let detox = try await directory.save(nil, ResourceTests.detox())
            let unmatched = try await coaching.get("/participants/\(person.id!)/referrals/new?q=zzzz").body.string
            #expect(unmatched.contains("Try fewer words"))
            _ = try await directory.save(nil, ResourceTests.pantry())
            let id = person.id!.uuidString
            let browser = TestBrowser(app)
            try await browser.signIn(coach)

            let badPlace = try await browser.post(
                "/participants/\(id)/place", ["coordinates": "north"], tokenFrom: "/participants/\(id)/place")
            #expect(badPlace.status == .unprocessableEntity && badPlace.body.string.contains("coordinates-error"))
            let place = try await browser.post(
                "/participants/\(id)/place", ["label": "Home", "coordinates": "38.78, -75.14"],
                tokenFrom: "/participants/\(id)/place")
            #expect(place.status == .seeOther)
            // Near her place only the detox (the pantry is 65 km away); anywhere, both.
            let near = try await browser.get("/participants/\(id)/referrals/new?q=")
            #expect(near.body.string.contains("choose-\(detox.id!.uuidString)"))
            #expect(!near.body.string.contains("Dover Community Pantry"))
            #expect(
                try await browser.get("/participants/\(id)/referrals/new?q=&anywhere=1").body.string.contains("Dover"))

            let form = "/participants/\(id)/referrals/new?resource=\(detox.id!.uuidString)"
            let refused = try await browser.post(
                "/participants/\(id)/referrals", ["resource_id": detox.id!.uuidString, "reason": ""], tokenFrom: form)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("reason-error"))
            let today = ParticipantService.today(in: admin.organization).description
            let made = try await browser.post(
                "/participants/\(id)/referrals",
                ["resource_id": detox.id!.uuidString, "reason": "Safe withdrawal", "agreed": "1", "follow_up": today],
                tokenFrom: form)
            #expect(made.status == .seeOther)
            let referralPage = try #require(made.location)
            let referralID = String(referralPage.dropFirst("/referrals/".count).prefix(36))
            let outreach = try await browser.get("/outreach").body.string
            #expect(outreach.contains("referral-follow-ups") && outreach.contains("/referrals/\(referralID)"))
            #expect(try await browser.get("/participants/\(id)").body.string.contains("participant-referrals"))

            let moved = try await browser.post(
                "/referrals/\(referralID)/step", ["status": "connected", "note": "Admitted"], tokenFrom: referralPage)
            #expect(moved.status == .seeOther)
            let noOutcome = try await browser.post(
                "/referrals/\(referralID)/step", ["status": "closed", "outcome": ""], tokenFrom: referralPage)
            #expect(noOutcome.status == .unprocessableEntity && noOutcome.body.string.contains("outcome-error"))
            let closed = try await browser.post(
                "/referrals/\(referralID)/step", ["status": "closed", "outcome": "helped"], tokenFrom: referralPage)
            #expect(closed.status == .seeOther)
            let final = try await browser.get(referralPage).body.string
            #expect(element("referral-status", in: final)?.contains("Closed") == true)
            #expect(final.contains("referral-history") && final.contains("Admitted"))
            #expect(!final.contains("step-form"))

            // The person sees their referrals and asks for one from a resource's page, in Spanish too.
            let own = TestBrowser(app)
            try await own.signIn(account)
            #expect(try await own.get("/participants/\(id)/referrals").body.string.contains("Harbor Withdrawal Center"))
            let asked = try await own.post(
                "/participants/\(id)/referrals",
                ["resource_id": detox.id!.uuidString, "reason": "I want to go back", "agreed": "1"],
                tokenFrom: "/resources/\(detox.id!.uuidString)")
            #expect(asked.status == .seeOther)
            #expect(try await own.get("/resources?place=1").body.string.contains("Harbor Withdrawal Center"))
            #expect(try await own.get("/outreach").status == .forbidden)
            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == person.id!).all(\.$action)
            #expect(trail.contains("place.view") && trail.contains("place.update"))
        }
    }
}
