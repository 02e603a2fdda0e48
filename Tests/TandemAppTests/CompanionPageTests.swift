import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Sober companion assignments through the pages and the API: the coverage plan and its
/// gaps, shifts, the shift log and hand-over, who sees what, the weekly summary shared under
/// consent, and the timesheet.
@Suite("Companion pages")
struct CompanionPageTests {
    struct Setup {
        let w: ConsentPageTests.World
        let companion: Account
        let next: Account
        let today: CalendarDate
    }

    /// Rosa's engagement made a sober companion one, with two companions on staff.
    static func setup(_ app: Application) async throws -> Setup {
        let w = try await ConsentPageTests.world(app)
        w.engagement.serviceType = .soberCompanion
        try await w.engagement.save(on: app.db)
        let companion = try await app.addMember(.coach, to: w.admin.organization, email: "companion@example.org")
        companion.user.displayName = "Sam Companion"
        try await companion.user.save(on: app.db)
        let next = try await app.addMember(.coach, to: w.admin.organization, email: "next@example.org")
        return Setup(
            w: w, companion: companion, next: next, today: ParticipantService.today(in: w.admin.organization))
    }

    /// A shift going on now with one log entry and a hand-over note, written straight to the
    /// database (for tests about who may reach it, not how it was made).
    @discardableResult
    static func seedShift(
        _ app: Application, organization: Organization, engagement: Engagement, companion: User, note: String
    ) async throws -> CompanionShift {
        let shift = CompanionShift()
        shift.organizationID = organization.id!
        shift.engagementID = engagement.id!
        shift.participantID = engagement.$participant.id
        shift.companionID = companion.id!
        shift.startsAt = Date().addingTimeInterval(-3600)
        shift.endsAt = Date().addingTimeInterval(3600)
        shift.handoverNote = ""
        shift.createdBy = companion.id!
        shift.createdAt = Date()
        try await shift.create(on: app.db)
        let entry = ShiftLogRecord()
        entry.organizationID = organization.id!
        entry.shiftID = shift.id!
        entry.category = "activity"
        entry.severity = ""
        entry.note = note
        entry.authorID = companion.id!
        entry.authorName = companion.displayName
        entry.clientKey = "seeded-entry-1"
        entry.createdAt = Date()
        try await entry.create(on: app.db)
        return shift
    }

    static func shiftForm(
        _ companion: Account, _ day: CalendarDate, _ start: String, _ endDay: CalendarDate, _ end: String
    )
        -> [String: String]
    {
        [
            "companion": companion.user.id!.uuidString, "start_date": day.description, "start_time": start,
            "end_date": endDay.description, "end_time": end,
        ]
    }

    @Test("the coach plans nights and shifts; the gaps show; a companion logs, hands over, and the next one reads it")
    func coverageAndShifts() async throws {
        try await withTandem { app in
            let s = try await Self.setup(app)
            let w = s.w
            let page = "/engagements/\(w.engagement.id!)/coverage"
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(try await coach.get("/engagements/\(w.engagement.id!)").body.string.contains(page))

            // A rate that is not money changes nothing.
            var response = try await coach.post(
                page, ["pattern": "nights", "hourly_rate": "lots"], tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("hourly_rate-error"))
            #expect(try await CoveragePlanRecord.query(on: app.db).count() == 0)
            response = try await coach.post(page, ["pattern": "nights", "hourly_rate": "35"], tokenFrom: page)
            #expect(response.status == .seeOther)
            #expect(try await CoveragePlanRecord.query(on: app.db).first()?.hourlyRateCents == 3500)

            // Tomorrow night is covered by two shifts; the night after is a gap.
            let tomorrow = s.today.adding(days: 1)!
            let after = tomorrow.adding(days: 1)!
            response = try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts",
                Self.shiftForm(s.companion, tomorrow, "20:00", after, "02:00"),
                tokenFrom: page)
            #expect(response.status == .seeOther)
            response = try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts", Self.shiftForm(s.next, after, "02:00", after, "08:00"),
                tokenFrom: page)
            #expect(response.status == .seeOther)
            // The same companion at an overlapping time is refused, and nothing is added.
            response = try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts", Self.shiftForm(s.companion, after, "01:00", after, "03:00"),
                tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("companion-error"))
            #expect(try await CompanionShift.query(on: app.db).count() == 2)
            let body = try await coach.get(page).body.string
            #expect(body.contains("Sam Companion") && body.contains("id=\"gaps\"") && body.contains("$35.00 an hour"))

            // Who reads the coverage: the person (without the forms or the rate); not another coach.
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            let rosaView = try await rosa.get(page)
            #expect(rosaView.status == .ok && !rosaView.body.string.contains("plan-form"))
            #expect(!rosaView.body.string.contains("an hour"))
            #expect(try await rosa.post(page, ["pattern": "days"], tokenFrom: page).status == .forbidden)
            let outsider = try await app.addMember(.coach, to: w.admin.organization, email: "outsider@example.org")
            let outsiderBrowser = try await TestBrowser.signedIn(app, outsider)
            #expect([.forbidden, .notFound].contains(try await outsiderBrowser.get(page).status))

            // The companion sees their own shift and keeps its log; the person's coach reads it only.
            let first = try #require(
                try await CompanionShift.query(on: app.db).filter(\.$companionID == s.companion.user.id!).first())
            let second = try #require(
                try await CompanionShift.query(on: app.db).filter(\.$companionID == s.next.user.id!).first())
            let shiftPage = "/shifts/\(first.id!)"
            let companion = try await TestBrowser.signedIn(app, s.companion)
            #expect(try await companion.get("/shifts").body.string.contains(shiftPage))
            #expect(!(try await companion.get("/shifts").body.string.contains("/shifts/\(second.id!)")))
            #expect(try await companion.get("/shifts/\(second.id!)").status == .notFound)
            #expect(try await outsiderBrowser.get(shiftPage).status == .notFound)
            for _ in 0..<2 {
                response = try await companion.post(
                    "\(shiftPage)/log",
                    [
                        "category": "trigger", "note": "Passed the old bar; we called her sponsor and walked on.",
                        "client_key": "shift-k-0001",
                    ], tokenFrom: shiftPage)
                #expect(response.status == .seeOther)
            }
            #expect(try await ShiftLogRecord.query(on: app.db).count() == 1)
            response = try await companion.post(
                "\(shiftPage)/log", ["category": "incident", "note": "Argument", "client_key": "shift-k-0002"],
                tokenFrom: shiftPage)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("severity-error"))
            #expect(
                try await coach.post(
                    "\(shiftPage)/log", ["category": "mood", "note": "Fine", "client_key": "shift-k-0003"],
                    tokenFrom: shiftPage
                ).status == .forbidden)

            // The hand-over note is required; once given the log closes and the next companion reads it.
            response = try await companion.post("\(shiftPage)/handover", ["handover_note": "  "], tokenFrom: shiftPage)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("handover_note-error"))
            response = try await companion.post(
                "\(shiftPage)/handover", ["handover_note": "Slept from 23:00. Sister visits at 10."],
                tokenFrom: shiftPage)
            #expect(response.status == .seeOther)
            #expect(
                try await companion.post(
                    "\(shiftPage)/log", ["category": "mood", "note": "Late", "client_key": "shift-k-0004"],
                    tokenFrom: shiftPage
                ).status == .conflict)
            let nextBrowser = try await TestBrowser.signedIn(app, s.next)
            let nextPage = try await nextBrowser.get("/shifts/\(second.id!)").body.string
            #expect(nextPage.contains("Slept from 23:00. Sister visits at 10.") && nextPage.contains("shift-log-form"))
        }
    }

    @Test("the weekly summary is the person's, and a treatment center's only under consent")
    func weeklySummary() async throws {
        try await withTandem { app in
            let s = try await Self.setup(app)
            let w = s.w
            let coach = try await TestBrowser.signedIn(app, w.coach)
            let page = "/engagements/\(w.engagement.id!)/coverage"
            try await coach.post(page, ["pattern": "full_time"], tokenFrom: page)
            try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts",
                Self.shiftForm(s.companion, s.today, "00:00", s.today, "08:00"),
                tokenFrom: page)
            let shift = try #require(try await CompanionShift.query(on: app.db).first())
            let companion = try await TestBrowser.signedIn(app, s.companion)
            try await companion.post(
                "/shifts/\(shift.id!)/log",
                [
                    "category": "meeting_attended", "note": "Morning meeting at the clubhouse",
                    "client_key": "week-k-0001",
                ],
                tokenFrom: "/shifts/\(shift.id!)")

            let week = ShiftWeek(containing: s.today).monday
            let summary = "/engagements/\(w.engagement.id!)/summary?week=\(s.today)"
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            let mine = try await rosa.get(summary).body.string
            #expect(mine.contains("week-\(week)") && mine.contains("Morning meeting at the clubhouse"))
            #expect(mine.contains("8.00"))
            // A bad week asked for is this week, not an error.
            #expect(try await rosa.get("/engagements/\(w.engagement.id!)/summary?week=soon").status == .ok)

            let partner = try await TestBrowser.signedIn(app, w.partner)
            #expect([.forbidden, .notFound].contains(try await partner.get(summary).status))
            #expect(try await partner.get("/shared/\(w.rosa.id!)").status == .forbidden)
            let response = try await rosa.post(
                "/participants/\(w.rosa.id!)/consents",
                pairs: ConsentPageTests.consentForm(
                    email: "liaison@example.org", categories: ["trip_and_shift_logs"], purpose: "care_coordination"),
                tokenFrom: "/participants/\(w.rosa.id!)/consents/new")
            #expect(response.status == .seeOther)
            let shared = try await partner.get("/shared/\(w.rosa.id!)").body.string
            #expect(shared.contains("week-\(week)") && shared.contains("Morning meeting at the clubhouse"))
            // Still not the coverage page or the shift itself.
            #expect([.forbidden, .notFound].contains(try await partner.get(page).status))
            #expect(try await partner.get("/shifts/\(shift.id!)").status == .notFound)
        }
    }

    @Test("the timesheet: a companion's own hours; everyone's with rates and amounts for those who bill")
    func timesheet() async throws {
        try await withTandem { app in
            let s = try await Self.setup(app)
            let w = s.w
            let coach = try await TestBrowser.signedIn(app, w.coach)
            let page = "/engagements/\(w.engagement.id!)/coverage"
            try await coach.post(page, ["pattern": "days", "hourly_rate": "30"], tokenFrom: page)
            // Yesterday's shifts were worked; tomorrow's is not yet, so it is not on the timesheet.
            let day = s.today.adding(days: -1)!
            let tomorrow = s.today.adding(days: 1)!
            try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts", Self.shiftForm(s.companion, day, "08:00", day, "14:00"),
                tokenFrom: page)
            try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts", Self.shiftForm(s.next, day, "14:00", day, "20:00"),
                tokenFrom: page)
            try await coach.post(
                "/engagements/\(w.engagement.id!)/shifts",
                Self.shiftForm(s.companion, tomorrow, "08:00", tomorrow, "14:00"), tokenFrom: page)
            #expect(try await CompanionShift.query(on: app.db).count() == 3)
            let query = "/shifts/timesheet.csv?from=\(day)&to=\(tomorrow)"

            let companion = try await TestBrowser.signedIn(app, s.companion)
            let own = try await companion.get(query)
            #expect(own.status == .ok && own.headers.contentType?.subType == "csv")
            let ownLines = own.body.string.split(separator: "\r\n")
            #expect(ownLines.count == 3 && !ownLines[0].contains("amount"))
            #expect(ownLines[1].hasPrefix("Sam Companion,") && ownLines[1].contains(",6.00,"))

            let admin = try await TestBrowser.signedIn(app, w.admin)
            let all = try await admin.get(query).body.string.split(separator: "\r\n")
            #expect(all.count == 4 && all[3] == "total,,,,,,,12.00,,360.00,")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "participant.timesheet_export")
                .filter(\.$participantID == w.rosa.id!).count()
            #expect(audited == 2)

            #expect(try await admin.get("/shifts/timesheet.csv?from=\(day)&to=nope").status == .badRequest)
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            #expect(try await rosa.get(query).status == .forbidden)
            #expect(try await rosa.get("/shifts").status == .forbidden)
        }
    }

    @Test("through the API: plan, shift, log twice with one client key, hand over, and the week")
    func api() async throws {
        try await withTandem { app in
            let s = try await Self.setup(app)
            let w = s.w
            let coach = try await APIClient.signIn(app, w.coach)
            let base = "/engagements/\(w.engagement.id!)"
            let plan = try await coach.send(
                .PUT, "\(base)/coverage",
                json:
                    #"{"pattern":"custom","startTime":"09:00","endTime":"17:00","weekdays":["monday","friday"],"hourlyRateCents":4000}"#
            )
            #expect(plan.0.status == .ok)
            let saved = try #require(plan.1["plan"] as? [String: Any])
            #expect(saved["weekdays"] as? [String] == ["monday", "friday"] && saved["hourlyRateCents"] as? Int == 4000)
            #expect(
                try await coach.send(.PUT, "\(base)/coverage", json: #"{"pattern":"custom"}"#).0.status
                    == .unprocessableEntity)
            let day = s.today.adding(days: 1)!
            let added = try await coach.send(
                .POST, "\(base)/shifts",
                json: """
                    {"companionId":"\(s.companion.user.id!.uuidString)","startDate":"\(day)","startTime":"09:00",\
                    "endDate":"\(day)","endTime":"17:00"}
                    """)
            #expect(added.0.status == .created && added.1["hours"] as? String == "8.00")
            let id = try #require(added.1["id"] as? String)

            let companion = try await APIClient.signIn(app, s.companion)
            #expect((try await companion.send(.GET, "/shifts").1["items"] as? [Any])?.count == 1)
            let entry =
                #"{"clientKey":"5e1c2a9e-0001","category":"activity","note":"Gym, then lunch with her brother"}"#
            let first = try await companion.send(.POST, "/shifts/\(id)/log", json: entry)
            let again = try await companion.send(.POST, "/shifts/\(id)/log", json: entry)
            #expect(first.0.status == .created && first.1["id"] as? String == again.1["id"] as? String)
            #expect(try await coach.send(.POST, "/shifts/\(id)/log", json: entry).0.status == .forbidden)
            #expect(
                try await companion.send(.POST, "/shifts/\(id)/handover", json: #"{"note":""}"#).0.status
                    == .unprocessableEntity)
            let handed = try await companion.send(.POST, "/shifts/\(id)/handover", json: #"{"note":"All well."}"#)
            #expect(handed.0.status == .ok && handed.1["handoverNote"] as? String == "All well.")

            let week = try await coach.send(.GET, "\(base)/summary?week=\(day)")
            #expect(week.0.status == .ok && week.1["week"] as? String == ShiftWeek(containing: day).monday.description)
            // Tomorrow's shift is not yet time spent with a companion.
            #expect((week.1["log"] as? [Any])?.count == 1 && week.1["hours"] as? String == "0.00")
            #expect((week.1["shifts"] as? [[String: Any]])?.first?["hours"] as? String == "8.00")
            #expect(try await coach.send(.GET, "\(base)/summary?week=later").0.status == .unprocessableEntity)
            let stranger = try await APIClient.signIn(app, w.stranger)
            #expect(try await stranger.send(.GET, "/shifts/\(id)").0.status == .notFound)
            #expect([.forbidden, .notFound].contains(try await stranger.send(.GET, "\(base)/coverage").0.status))
        }
    }

    @Test("a plan or rate changed later leaves past weeks and past hours as they were")
    func planHistory() async throws {
        try await withTandem { app in
            let s = try await Self.setup(app)
            let coach = CompanionService(
                Request(application: app, on: app.eventLoopGroup.next()),
                actor: Actor(user: s.w.coach.user, organization: s.w.admin.organization, role: .coach))
            let engagement = s.w.engagement.id!
            let now = Date()
            _ = try await coach.savePlan(
                engagement, pattern: "weekends", start: "", end: "", weekdays: [], rate: "30",
                now: now.addingTimeInterval(-20 * 86_400))
            let past = s.today.adding(days: -10)!
            _ = try await coach.addShift(
                engagement, companion: s.companion.user.id!.uuidString, startDate: past.description,
                startTime: "08:00", endDate: past.description, endTime: "14:00")
            // Nights at a higher rate since three days ago.
            _ = try await coach.savePlan(
                engagement, pattern: "nights", start: "", end: "", weekdays: [], rate: "40",
                now: now.addingTimeInterval(-3 * 86_400))
            let yesterday = s.today.adding(days: -1)!
            _ = try await coach.addShift(
                engagement, companion: s.companion.user.id!.uuidString, startDate: yesterday.description,
                startTime: "20:00", endDate: s.today.description, endTime: "02:00")

            // The past week is read against the weekends it was planned with, not tonight's nights.
            let zone = TimeZone(identifier: s.w.admin.organization.timeZone)!
            let week = ShiftWeek(containing: past)
            let read = try await CompanionWeeks.read(
                engagementIDs: [engagement], organizationID: s.w.admin.organization.id!, zone: zone, weeks: [week],
                on: app.db)
            let interval = week.interval(in: zone)!
            func planned(_ pattern: CoveragePattern) -> Int {
                CoveragePlan.of(pattern)!.windows(from: week.monday.adding(days: -1)!, through: week.sunday, in: zone)
                    .reduce(0) { total, window in
                        total
                            + CompanionHours.quarterHours(
                                from: max(window.start, interval.start), to: min(window.end, interval.end))
                    }
            }
            #expect(planned(.weekends) != planned(.nights))
            #expect(read.first?.summary.plannedQuarterHours == planned(.weekends))

            // Each shift at the rate of its own time: 6 hours at $30, 6 hours at $40.
            let period = try BillingPeriod.parse(from: past.description, to: s.today.description).get()
            let sheet = try await CompanionService(
                Request(application: app, on: app.eventLoopGroup.next()),
                actor: Actor(user: s.w.admin.user, organization: s.w.admin.organization, role: .admin)
            ).timesheet(period, now: now.addingTimeInterval(3 * 3600 + 86_400))
            let lines = sheet.split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines[1].contains(",6.00,30.00,180.00,") && lines[2].contains(",6.00,40.00,240.00,"))
            #expect(lines[3] == "total,,,,,,,12.00,,420.00,")
        }
    }
}
