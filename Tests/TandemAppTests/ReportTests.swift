import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Report pages")
struct ReportPageTests {
    @Test(
        "the reports page and its CSVs: services, retention and recovery capital; staff other than supervisors and admins are refused"
    )
    func reports() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (rosa, _) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            let (tomas, _) = try await app.makeParticipant("Tomas", in: admin.organization, coach: coach.user)
            let notes = SessionNoteService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: coach.user, organization: admin.organization, role: .coach))
            _ = try await BillingServiceTests.note([rosa, tomas], on: "2026-11-02", "10:00", "11:00", as: notes)
            _ = try await BillingServiceTests.note([rosa], on: "2026-11-03", "10:00", "10:30", as: notes)
            for (person, day, total) in [(rosa, "2026-06-01", 30), (rosa, "2026-11-10", 50), (tomas, "2026-11-12", 40)]
            {
                let scored = RecoveryCapitalAssessment(
                    organizationID: admin.organization.id!, participantID: person.id!)
                scored.status = .completed
                scored.completedOn = day
                scored.total = total
                try await scored.create(on: app.db)
            }
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            #expect(try await browser.get("/").body.string.contains("href=\"/reports\""))
            let page = try await browser.get("/reports?from=2026-11-01&to=2026-11-30")
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(
                body.contains("services-chart") && body.contains("retention-chart") && body.contains("capital-chart"))
            #expect(!body.contains("Rosa") && !body.contains("Tomas"))
            let services = try await browser.get("/reports/services.csv?from=2026-11-01&to=2026-11-30").body.string
            #expect(services.contains("total,,2,3,2,90\r\n"))
            #expect(services.contains("mode,phone,2,3,2,90\r\n"))
            #expect(services.contains("service_type,recovery_coaching,2,3,2,"))
            let capital = try await browser.get("/reports/recovery-capital.csv?from=2026-11-01&to=2026-11-30").body
                .string
            #expect(capital.hasSuffix("1,30.0,50.0,20.0,0.0,100.0\r\n"))
            let retention = try await browser.get("/reports/retention.csv?from=2026-01-01&to=2026-01-31").body.string
            #expect(retention.hasPrefix("days,eligible,retained,share\r\n30,2,2,100.0\r\n"))
            let refused = try await browser.get("/reports?from=2026-11-30&to=2026-11-01")
            #expect(refused.status == .unprocessableEntity)
            #expect(try await browser.get("/reports/services.csv?from=x&to=y").status == .badRequest)
            let asCoach = TestBrowser(app)
            try await asCoach.signIn(coach)
            #expect(try await asCoach.get("/reports").status == .forbidden)
            #expect(try await asCoach.get("/reports/services.csv?from=2026-11-01&to=2026-11-30").status == .forbidden)
        }
    }
}
