import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Peer support billing")
struct BillingServiceTests {
    static func request(_ app: Application) -> Request { Request(application: app, on: app.eventLoopGroup.any()) }

    /// `account` with `role`, reading the organization as it is stored now.
    static func actor(_ app: Application, _ account: Account, _ role: Role) async throws -> Actor {
        let organization = try #require(try await Organization.find(account.organization.id, on: app.db))
        return Actor(user: account.user, organization: organization, role: role)
    }

    static let now = ISO8601DateFormatter().date(from: "2026-12-05T15:00:00Z")!

    static func note(
        _ people: [Participant], on date: String, _ start: String, _ end: String, as notes: SessionNoteService,
        sign: Bool = true
    ) async throws -> SessionNote {
        let draft = SessionNoteDraft(
            date: date, start: start, end: end, mode: "phone", place: "Phone",
            participantIDs: people.map { $0.id!.uuidString },
            goals: [], done: "Talked through the week, to plan it.", response: "Hopeful.", nextSteps: "Call Friday.")
        let note = try await notes.create(draft, now: now)
        return sign ? try await notes.sign(note.id!, typedName: "Casey Coach", now: now) : note
    }

    @Test("billing lines: approved notes only, payer modifiers, group modifier, volunteer time apart, the CSV audited")
    func lines() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            admin.organization.notesNeedReview = true
            try await admin.organization.save(on: app.db)
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let lead = try await app.addMember(.supervisor, to: admin.organization, email: "lead@example.org")
            let (rosa, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, legalName: "Rosa Diaz")
            let (tomas, tomasEngagement) = try await app.makeParticipant(
                "Tomas", in: admin.organization, coach: coach.user)
            tomasEngagement.funding = .medicaidInsurance
            try await tomasEngagement.save(on: app.db)
            let (vera, veraEngagement) = try await app.makeParticipant(
                "Vera", in: admin.organization, coach: coach.user)
            veraEngagement.funding = .volunteer
            try await veraEngagement.save(on: app.db)

            let billing = BillingService(Self.request(app), actor: try await Self.actor(app, admin, .admin))
            // Bad settings are refused, each at its field, and nothing is kept.
            let coachField = coach.user.id!
            do {
                try await billing.save(
                    .init(
                        rule: "cms9", dailyCap: "0", groupModifier: "HQ UN", medicaidModifiers: "HFX",
                        grantModifiers: "", privatePayModifiers: "A1 A2 A3 A4", credentials: [coachField: "=X()"]))
                Issue.record("bad settings were saved")
            } catch ServiceError.invalid(let problems) {
                #expect(
                    problems.map(\.field) == [
                        "unit_rule", "daily_cap", "group_modifier", "medicaid_modifiers", "private_pay_modifiers",
                        "credential_" + coachField.uuidString,
                    ])
            }
            #expect(try await BillingSettings.query(on: app.db).count() == 0)
            #expect(try await billing.policy() == BillingPolicy())
            try await billing.save(
                .init(
                    rule: "cms8", dailyCap: "", groupModifier: "hq", medicaidModifiers: "hf", grantModifiers: "",
                    privatePayModifiers: "", credentials: [coachField: "CPRS", UUID(): "Nobody"]))
            #expect(try await billing.policy().payerModifiers[.medicaidInsurance] == ["HF"])
            #expect(try await ProviderCredential.query(on: app.db).count() == 1)

            let notes = SessionNoteService(Self.request(app), actor: try await Self.actor(app, coach, .coach))
            let review = SessionNoteService(Self.request(app), actor: try await Self.actor(app, lead, .supervisor))
            // Rosa alone for 20 minutes, and with Tomas in a group for 10, on the same day.
            let single = try await Self.note([rosa], on: "2026-11-02", "10:00", "10:20", as: notes)
            let group = try await Self.note([rosa, tomas], on: "2026-11-02", "14:00", "14:10", as: notes)
            let volunteer = try await Self.note([vera], on: "2026-11-02", "15:00", "15:30", as: notes)
            let waiting = try await Self.note([rosa], on: "2026-11-03", "10:00", "11:00", as: notes)
            _ = try await Self.note([rosa], on: "2026-11-04", "10:00", "11:00", as: notes, sign: false)
            let later = try await Self.note([rosa], on: "2026-11-30", "10:00", "11:00", as: notes)
            for note in [single, group, volunteer, later] {
                _ = try await review.decide(note.id!, approve: true, comment: "", now: Self.now)
            }
            #expect(waiting.review == .pending)

            let period = BillingPeriod(from: CalendarDate("2026-11-01")!, to: CalendarDate("2026-11-29")!)
            let asLead = BillingService(Self.request(app), actor: try await Self.actor(app, lead, .supervisor))
            let summary = try await asLead.summary(period)
            #expect(summary.lines.count == 3)
            let rosaLines = summary.lines.filter { $0.participantID == rosa.id!.uuidString }
            #expect(rosaLines.map(\.modifiers) == [[], ["HQ"]])
            #expect(rosaLines.map(\.units) == [1, 1] && rosaLines.allSatisfy { $0.payer == "grant" })
            let tomasLine = try #require(summary.lines.first { $0.participantID == tomas.id!.uuidString })
            #expect(tomasLine.modifiers == ["HF", "HQ"] && tomasLine.payer == "medicaid_insurance")
            #expect(tomasLine.minutes == 10 && tomasLine.units == 1)
            #expect(summary.volunteerMinutes == 30 && summary.volunteerSessions == 1)
            #expect(summary.awaitingReview == 1 && summary.drafts == 1 && summary.withoutEngagement == 0)

            // full15: 20 minutes is one unit, 10 minutes none.
            try await billing.save(
                .init(
                    rule: "full15", dailyCap: "1", groupModifier: "HQ", medicaidModifiers: "HF", grantModifiers: "",
                    privatePayModifiers: "", credentials: [:]))
            #expect(try await asLead.summary(period).lines.map(\.units).sorted() == [0, 0, 1])

            let text = try await asLead.csv(period)
            let rows = text.split(separator: "\r\n").map(String.init)
            #expect(rows.first == BillingExport.header.joined(separator: ","))
            #expect(rows.count == 4)
            #expect(
                rows.contains { $0.contains("Rosa Diaz,,2026-11-02,H0038,,1,20,1,") && $0.contains(",CPRS,grant,no") })
            #expect(!text.contains("Vera"))
            let rosaTrail = try await AuditEvent.query(on: app.db).filter(\.$participantID == rosa.id!).all(\.$action)
            #expect(rosaTrail.contains("participant.billing_export"))
            let veraTrail = try await AuditEvent.query(on: app.db).filter(\.$participantID == vera.id!).all(\.$action)
            #expect(!veraTrail.contains("participant.billing_export"))

            // Coaches neither see billing nor change its settings.
            let asCoach = BillingService(Self.request(app), actor: try await Self.actor(app, coach, .coach))
            await #expect(throws: ServiceError.self) { try await asCoach.summary(period) }
            await #expect(throws: ServiceError.self) { try await asCoach.settings() }
            await #expect(throws: ServiceError.self) { try await asLead.settings() }
        }
    }

    @Test("the payer is the engagement open that day that the provider works on")
    func payerChoice() {
        let day = CalendarDate("2026-06-01")!
        let old = PayerChoice.Candidate(
            funding: .grant, startDate: "2025-01-01", endDate: "2025-12-31", coachIDs: ["a"])
        let other = PayerChoice.Candidate(funding: .privatePay, startDate: "2026-01-01", endDate: "", coachIDs: ["b"])
        let own = PayerChoice.Candidate(
            funding: .medicaidInsurance, startDate: "2026-02-01", endDate: "", coachIDs: ["a"])
        let future = PayerChoice.Candidate(funding: .volunteer, startDate: "2026-07-01", endDate: "", coachIDs: ["a"])
        #expect(PayerChoice.funding([old, other, own, future], day: day, provider: "a") == .medicaidInsurance)
        #expect(PayerChoice.funding([old, other, future], day: day, provider: "a") == .privatePay)
        #expect(PayerChoice.funding([old, future], day: day, provider: "a") == .grant)
        #expect(PayerChoice.funding([future], day: day, provider: "a") == nil)
        #expect(PayerChoice.funding([], day: day, provider: "a") == nil)
    }
}

@Suite("Billing pages")
struct BillingPageTests {
    @Test("the billing page shows a period's units and downloads the CSV; settings are saved or refused at the field")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (rosa, _) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            let notes = SessionNoteService(
                BillingServiceTests.request(app), actor: try await BillingServiceTests.actor(app, coach, .coach))
            _ = try await BillingServiceTests.note([rosa], on: "2026-11-02", "10:00", "10:40", as: notes)

            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let start = try await browser.get("/billing")
            // Opened without a period, the page shows last month at once.
            #expect(start.status == .ok && start.body.string.contains("name=\"from\""))
            #expect(start.body.string.contains("id=\"billing-result\""))
            #expect(try await browser.get("/").body.string.contains("href=\"/billing\""))
            let refused = try await browser.get("/billing?from=2026-11-30&to=2026-11-01")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("error-summary"))
            let page = try await browser.get("/billing?from=2026-11-01&to=2026-11-30")
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(
                body.contains("billing-payers")
                    && body.contains("/billing/export.csv?from=2026-11-01&amp;to=2026-11-30"))
            #expect(!body.contains("Rosa"))
            let csv = try await browser.get("/billing/export.csv?from=2026-11-01&to=2026-11-30")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("billing-2026-11-01-2026-11-30.csv") == true)
            // 40 minutes under cms8: 3 units.
            #expect(csv.body.string.contains(",2026-11-02,H0038,,3,40,1,"))
            #expect(try await browser.get("/billing/export.csv?from=nope&to=2026-11-30").status == .badRequest)

            let settings = try await browser.get("/admin/billing")
            #expect(settings.status == .ok && settings.body.string.contains("credential_" + coach.user.id!.uuidString))
            let bad = try await browser.post(
                "/admin/billing",
                [
                    "unit_rule": "full15", "daily_cap": "lots", "group_modifier": "HQ", "medicaid_modifiers": "",
                    "grant_modifiers": "", "private_pay_modifiers": "",
                    "credential_" + coach.user.id!.uuidString: "CPRS",
                ], tokenFrom: "/admin/billing")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("daily_cap-error"))
            #expect(try await BillingSettings.query(on: app.db).count() == 0)
            let good = try await browser.post(
                "/admin/billing",
                [
                    "unit_rule": "full15", "daily_cap": "16", "group_modifier": "HQ", "medicaid_modifiers": "",
                    "grant_modifiers": "U8", "private_pay_modifiers": "",
                    "credential_" + coach.user.id!.uuidString: "CPRS",
                ], tokenFrom: "/admin/billing")
            #expect(good.status == .ok)
            let stored = try #require(try await BillingSettings.query(on: app.db).first())
            #expect(stored.unitRule == .full15 && stored.dailyCap == 16 && stored.grantModifiers == "U8")
            let csvAfter = try await browser.get("/billing/export.csv?from=2026-11-01&to=2026-11-30").body.string
            #expect(csvAfter.contains(",2026-11-02,H0038,U8,2,40,1,"))
            #expect(csvAfter.contains(",CPRS,grant,no"))

            // Coaches, participants, family and partners are refused; another organization's
            // admin gets that organization's billing, without anyone from here.
            let refusedRoles: [Account] = [
                coach, try await app.addMember(.participant, to: admin.organization, email: "p@example.org"),
                try await app.addMember(.family, to: admin.organization, email: "f@example.org"),
                try await app.addMember(.partner, to: admin.organization, email: "b@example.org"),
            ]
            for account in refusedRoles {
                let outsider = TestBrowser(app)
                try await outsider.signIn(account)
                #expect(try await outsider.get("/billing").status == .forbidden, "\(account.email)")
                let csv = try await outsider.get("/billing/export.csv?from=2026-11-01&to=2026-11-30")
                #expect(csv.status == .forbidden && !csv.body.string.contains("Rosa"), "\(account.email)")
                #expect(try await outsider.get("/admin/billing").status == .forbidden, "\(account.email)")
            }
            let elsewhere = TestBrowser(app)
            try await elsewhere.signIn(try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.org"))
            let theirs = try await elsewhere.get("/billing/export.csv?from=2026-11-01&to=2026-11-30")
            #expect(theirs.status == .ok && theirs.body.string == BillingExport.header.joined(separator: ",") + "\r\n")
        }
    }
}
