import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Outreach")
struct OutreachServiceTests {
    static func service(_ app: Application, _ account: Account, _ role: Role) -> OutreachService {
        OutreachService(
            Request(application: app, on: app.eventLoopGroup.any()),
            actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    @Test("the rules make a coach's list; an attempt is recorded, counts as contact when it reached the person")
    func list() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let now = Date()
            func person(_ name: String, status: EngagementStatus = .active, contactDaysAgo: Double? = 1) async throws
                -> (Participant, Engagement)
            {
                let made = try await app.makeParticipant(
                    name, in: admin.organization, coach: coach.user, status: status)
                made.1.lastContactAt = contactDaysAgo.map { now.addingTimeInterval(-$0 * 86_400) }
                try await made.1.save(on: app.db)
                return made
            }
            let (rosa, _) = try await person("Rosa", contactDaysAgo: nil)
            let (tomas, _) = try await person("Tomas", contactDaysAgo: 5)
            let (vera, _) = try await person("Vera")
            let (sam, samEngagement) = try await person("Sam", status: .completed, contactDaysAgo: 60)
            samEngagement.endDate = CalendarDate(now.addingTimeInterval(-40 * 86_400), in: .gmt).description
            try await samEngagement.save(on: app.db)
            _ = try await person("Uma")
            let missed = Appointment(
                organizationID: admin.organization.id!, participantID: tomas.id!, coachID: coach.user.id!,
                createdBy: coach.user.id!)
            missed.apply(
                AppointmentDraft(mode: "phone"),
                interval: (now.addingTimeInterval(-2 * 86_400), now.addingTimeInterval(-2 * 86_400 + 1800)))
            missed.status = .missed
            try await missed.create(on: app.db)
            let ask = CheckIn(
                organizationID: admin.organization.id!, participantID: vera.id!,
                day: CalendarDate(now, in: TimeZone(identifier: admin.organization.timeZone)!))
            ask.apply(CheckInAnswers(mood: 2, craving: 6, wantsReachOut: true))
            try await ask.create(on: app.db)

            let outreach = Self.service(app, coach, .coach)
            let rows = try await outreach.list(now: now)
            let reasons = Dictionary(uniqueKeysWithValues: rows.map { ($0.participantName, $0.attention) })
            #expect(reasons["Rosa"] == [.noRecentContact])
            #expect(reasons["Tomas"] == [.missedAppointment])
            #expect(reasons["Vera"] == [.reachOutRequested])
            #expect(reasons["Sam"] == [.checkUpDue])
            #expect(reasons["Uma"] == nil)
            #expect(try await Self.service(app, other, .coach).list(now: now).isEmpty)

            // Bad input changes nothing; another coach's person is refused.
            await #expect(throws: ServiceError.self) {
                try await outreach.record(rosa.id!, method: "pigeon", outcome: "reached", reason: "")
            }
            await #expect(throws: ServiceError.self) {
                try await Self.service(app, other, .coach).record(
                    rosa.id!, method: "phone", outcome: "reached", reason: "")
            }
            #expect(try await OutreachAttempt.query(on: app.db).count() == 0)

            try await outreach.record(
                rosa.id!, method: "phone", outcome: "reached", reason: "no_recent_contact", now: now)
            try await outreach.record(
                tomas.id!, method: "text", outcome: "no_answer", reason: "missed_appointment", now: now)
            try await outreach.record(vera.id!, method: "phone", outcome: "reached", reason: "reach_out", now: now)
            try await outreach.record(
                sam.id!, method: "email", outcome: "left_message", reason: "check_up_due", now: now)
            #expect(try await outreach.list(now: now.addingTimeInterval(60)).isEmpty)
            let rosaEngagement = try await Engagement.query(on: app.db).filter(\.$participant.$id == rosa.id!).first()
            #expect(abs((rosaEngagement?.lastContactAt ?? .distantPast).timeIntervalSince(now)) < 1)
            #expect(try await CheckIn.find(ask.id, on: app.db)?.reachOut == .followedUp)
            // An attempt that did not reach Tomas does not count as contact.
            let tomasEngagement = try await Engagement.query(on: app.db).filter(\.$participant.$id == tomas.id!).first()
            #expect((tomasEngagement?.lastContactAt ?? now) < now.addingTimeInterval(-86_400))
            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == vera.id!).all(\.$action)
            #expect(trail.contains("outreach.attempt"))
        }
    }

    @Test("the outreach pages: the list, one-click recording, the rules saved or refused at the field")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let lead = try await app.addMember(.supervisor, to: admin.organization, email: "lead@example.org")
            let (rosa, engagement) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            engagement.lastContactAt = Date().addingTimeInterval(-30 * 86_400)
            try await engagement.save(on: app.db)
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(try await browser.get("/").body.string.contains("No recent contact"))
            let list = try await browser.get("/outreach")
            #expect(list.status == .ok && list.body.string.contains("outreach-\(rosa.id!.uuidString)"))
            let recorded = try await browser.post(
                "/participants/\(rosa.id!.uuidString)/outreach",
                ["method": "phone", "outcome": "reached", "reason": "no_recent_contact"], tokenFrom: "/outreach")
            #expect(recorded.status == .seeOther && recorded.location?.hasPrefix("/outreach?recorded=1") == true)
            #expect(try await OutreachAttempt.query(on: app.db).count() == 1)
            #expect(!(try await browser.get("/outreach").body.string.contains("outreach-\(rosa.id!.uuidString)")))

            // A supervisor looks at the coach's list.
            let supervisor = TestBrowser(app)
            try await supervisor.signIn(lead)
            let theirs = try await supervisor.get("/outreach?coach=\(coach.user.id!.uuidString)")
            #expect(theirs.status == .ok && theirs.body.string.contains("name=\"coach\""))

            let settings = TestBrowser(app)
            try await settings.signIn(admin)
            let bad = try await settings.post(
                "/admin/outreach", ["no_contact_days": "-1", "check_up_days": "30, soon"], tokenFrom: "/admin/outreach")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("check_up_days-error"))
            #expect(try await OutreachSettings.query(on: app.db).count() == 0)
            let good = try await settings.post(
                "/admin/outreach", ["no_contact_days": "45", "check_up_days": "90", "missed_appointments": "on"],
                tokenFrom: "/admin/outreach")
            #expect(good.status == .ok)
            let policy = try await OutreachService.policy(of: admin.organization.id!, on: app.db)
            #expect(
                policy
                    == OutreachPolicy(
                        noContactDays: 45, missedAppointments: true, reachOutRequests: false, checkUpDays: [90]))
            #expect(try await supervisor.get("/admin/outreach").status == .forbidden)
        }
    }
}
