import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

extension Application {
    /// A participant with a sign-in, coached by a new coach: the people of a check-in.
    func checkInPeople(participantZone: String = "") async throws -> (
        admin: Account, coach: Account, person: Account, participant: Participant
    ) {
        let admin = try await makeOrganization()
        let coach = try await addMember(.coach, to: admin.organization, email: "coach@example.org")
        let person = try await addMember(.participant, to: admin.organization, email: "person@example.org")
        let (participant, _) = try await makeParticipant(
            "Dana Reyes", in: admin.organization, coach: coach.user, user: person.user)
        participant.timeZone = participantZone
        try await participant.save(on: db)
        return (admin, coach, person, participant)
    }

    func auditActions() async throws -> [String] {
        try await AuditEvent.query(on: db).all().map(\.action)
    }
}

@Suite("Check-ins")
struct CheckInTests {
    static let answers: [(String, String)] = [
        ("mood", "4"), ("craving", "2"), ("use", "no"), ("supports[]", "coach"),
        ("supports[]", "mutual_help_meeting"), ("went_well", "Cooked dinner with my sister"),
    ]

    @Test("a participant checks in once a day, changes it the same day, and refused answers change nothing")
    func submit() async throws {
        try await withTandem { app in
            let (_, _, person, participant) = try await app.checkInPeople()
            let browser = TestBrowser(app)
            try await browser.signIn(person)
            let form = try await browser.get("/check-in")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"mood-5\""))
            #expect(form.body.string.contains("id=\"craving-10\""))

            let refused = try await browser.post(
                "/check-in", pairs: [("craving", "11"), ("supports[]", "therapy"), ("use", "maybe")],
                tokenFrom: "/check-in")
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("Choose how you are feeling today."))
            #expect(
                page.contains("href=\"#craving\"") && page.contains("href=\"#supports\"")
                    && page.contains("href=\"#use\""))
            #expect(try await CheckIn.query(on: app.db).count() == 0)

            let sent = try await browser.post("/check-in", pairs: Self.answers, tokenFrom: "/check-in")
            #expect(sent.status == .seeOther && sent.location == "/check-in/done")
            let done = try await browser.get("/check-in/done")
            #expect(done.body.string.contains("id=\"check-in-thanks\""))
            #expect(!done.body.string.contains("id=\"what-would-help\""))
            #expect(!done.body.string.contains("id=\"coach-will-reach-out\""))
            let stored = try #require(try await CheckIn.query(on: app.db).first())
            #expect(
                stored.localDate
                    == ParticipantService.today(in: try #require(try await Organization.query(on: app.db).first()))
                    .description)
            #expect(stored.mood == 4 && stored.craving == 2 && stored.substanceUse == "no")
            #expect(stored.supports == "mutual_help_meeting,coach" && stored.reachOut == .none)
            #expect(stored.$participant.id == participant.id)

            // The same day: the form shows today's answers and saving changes the one check-in.
            let again = try await browser.get("/check-in")
            #expect(again.body.string.contains("id=\"mood-4\" name=\"mood\" value=\"4\" checked"))
            #expect(again.body.string.contains("Cooked dinner with my sister"))
            let changed = try await browser.post(
                "/check-in", pairs: [("mood", "2"), ("craving", "6"), ("use", "yes"), ("reach_out", "yes")],
                tokenFrom: "/check-in")
            #expect(changed.status == .seeOther)
            #expect(try await CheckIn.query(on: app.db).count() == 1)
            let updated = try #require(try await CheckIn.query(on: app.db).first())
            #expect(updated.mood == 2 && updated.substanceUse == "yes" && updated.reachOut == .open)
            #expect(updated.wentWell == "" && updated.supports == "")
            // A "yes" is met with thanks and what may help, never a reset.
            let kind = try await browser.get("/check-in/done").body.string
            #expect(kind.contains("id=\"what-would-help\"") && kind.contains("Thank you for telling us"))
            #expect(kind.contains("id=\"coach-will-reach-out\"") && !kind.contains("id=\"no-coach-yet\""))
            for word in ["relapse", "reset", "failed", "clean"] { #expect(!kind.lowercased().contains(word)) }
            // Once no one coaches them (the engagement ended), the page promises no call.
            try await Engagement.query(on: app.db).set(\.$status, to: .completed).update()
            let alone = try await browser.get("/check-in/done").body.string
            #expect(alone.contains("id=\"no-coach-yet\"") && !alone.contains("id=\"coach-will-reach-out\""))

            let actions = try await app.auditActions()
            #expect(actions.filter { $0 == "checkin.create" }.count == 1)
            #expect(actions.filter { $0 == "checkin.update" }.count == 1)
            #expect(actions.contains("checkin.view"))
        }
    }

    @Test("the check-in belongs to the participant's own calendar day, not the organization's")
    func ownDay() async throws {
        try await withTandem { app in
            // Kiritimati (UTC+14) and the organization's Pago Pago (UTC−11) are never on the same date.
            let (admin, _, person, _) = try await app.checkInPeople(participantZone: "Pacific/Kiritimati")
            admin.organization.timeZone = "Pacific/Pago_Pago"
            try await admin.organization.save(on: app.db)
            let browser = TestBrowser(app)
            try await browser.signIn(person)
            let before = CalendarDate(Date(), in: TimeZone(identifier: "Pacific/Kiritimati")!)
            #expect(
                try await browser.post("/check-in", pairs: Self.answers, tokenFrom: "/check-in").status == .seeOther)
            let after = CalendarDate(Date(), in: TimeZone(identifier: "Pacific/Kiritimati")!)
            let stored = try #require(try await CheckIn.query(on: app.db).first())
            #expect([before.description, after.description].contains(stored.localDate))
            let organizationDay = CalendarDate(Date(), in: TimeZone(identifier: "Pacific/Pago_Pago")!)
            #expect(stored.localDate != organizationDay.description)
        }
    }

    @Test("only the participant checks in; staff are refused and nothing is stored")
    func onlyTheParticipant() async throws {
        try await withTandem { app in
            let (admin, coach, _, _) = try await app.checkInPeople()
            for account in [admin, coach] {
                let browser = TestBrowser(app)
                try await browser.signIn(account)
                #expect(try await browser.get("/check-in").status == .forbidden)
                let csrf = try await browser.token(from: "/account/security")
                let response = try await browser.post(
                    "/check-in", pairs: Self.answers + [("_csrf", csrf)], tokenFrom: "/account/security")
                #expect(response.status == .forbidden)
            }
            #expect(try await CheckIn.query(on: app.db).count() == 0)
        }
    }

    @Test("a request to reach out puts the person on the coach's caseload until followed up")
    func reachOut() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let browser = TestBrowser(app)
            try await browser.signIn(person)
            _ = try await browser.post(
                "/check-in", pairs: Self.answers + [("reach_out", "yes")], tokenFrom: "/check-in")

            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            let caseload = try await coachBrowser.get("/").body.string
            #expect(caseload.contains("<span class=\"badge attention\">Asked for a call</span>"))
            #expect(caseload.contains("<td data-label=\"Last check-in\"><time datetime="))
            let history = try await coachBrowser.get("/participants/\(participant.id!.uuidString)/check-ins")
            #expect(history.status == .ok)
            #expect(history.body.string.contains("Cooked dinner with my sister"))
            #expect(history.body.string.contains("<strong>1 day checked in in a row</strong>"))
            let checkIn = try #require(try await CheckIn.query(on: app.db).first())
            let followed = try await coachBrowser.post(
                "/participants/\(participant.id!.uuidString)/check-ins/\(checkIn.id!.uuidString)/follow-up", [:],
                tokenFrom: "/participants/\(participant.id!.uuidString)/check-ins")
            #expect(followed.status == .seeOther)
            let after = try #require(try await CheckIn.find(checkIn.id, on: app.db))
            #expect(after.reachOut == .followedUp && after.followedUpBy == coach.user.id && after.followedUpAt != nil)
            #expect(!(try await coachBrowser.get("/").body.string.contains("Asked for a call")))
            // A second click changes nothing and lands on the history.
            let twice = try await coachBrowser.post(
                "/participants/\(participant.id!.uuidString)/check-ins/\(checkIn.id!.uuidString)/follow-up", [:],
                tokenFrom: "/participants/\(participant.id!.uuidString)/check-ins")
            #expect(twice.status == .seeOther)
            // Changing today's check-in keeps it followed up; the box is no longer ticked.
            #expect(!(try await browser.get("/check-in").body.string.contains("value=\"yes\" checked")))
            _ = try await browser.post("/check-in", pairs: Self.answers, tokenFrom: "/check-in")
            #expect(try await CheckIn.find(checkIn.id, on: app.db)?.reachOut == .followedUp)
            // Asking again the same evening opens a new request.
            _ = try await browser.post(
                "/check-in", pairs: Self.answers + [("reach_out", "yes")], tokenFrom: "/check-in")
            let again = try #require(try await CheckIn.find(checkIn.id, on: app.db))
            #expect(again.reachOut == .open && again.followedUpBy == nil)
            #expect(try await coachBrowser.get("/").body.string.contains("Asked for a call"))
            let actions = try await app.auditActions()
            #expect(actions.filter { $0 == "checkin.follow_up" }.count == 1)
            #expect(actions.contains("checkin.list"))
        }
    }

    @Test("the history downloads as CSV that parses back, with formulas defused, and is audited")
    func csv() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            for (offset, mood) in [(2, 3), (1, 5)] {
                let day = ParticipantService.today(in: try #require(try await Organization.query(on: app.db).first()))
                    .adding(days: -offset)!
                let checkIn = CheckIn(
                    organizationID: participant.$organization.id, participantID: participant.id!, day: day)
                checkIn.apply(
                    CheckInAnswers(
                        mood: mood, craving: 1, use: "prefer_not_to_say", supports: ["coach", "other"],
                        wentWell: "=1+1, \"quoted\"\nnext line"))
                try await checkIn.create(on: app.db)
            }
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let response = try await browser.get("/participants/\(participant.id!.uuidString)/check-ins.csv")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("text/csv") == true)
            let rows = parseCSV(response.body.string)
            #expect(rows.count == 3)
            #expect(
                rows[0] == [
                    "date", "mood", "craving", "any_use", "supports", "went_well", "asked_coach_to_reach_out",
                    "followed_up_at",
                ])
            #expect(rows[1][1] == "3" && rows[2][1] == "5" && rows[1][0] < rows[2][0])
            #expect(rows[1][3] == "prefer_not_to_say" && rows[1][4] == "coach;other")
            #expect(rows[1][5] == "'=1+1, \"quoted\"\nnext line")
            #expect(try await app.auditActions().contains("checkin.export"))
            // The person downloads their own too; the streak counts yesterday's run.
            let own = TestBrowser(app)
            try await own.signIn(person)
            #expect(try await own.get("/participants/\(participant.id!.uuidString)/check-ins.csv").status == .ok)
            let history = try await own.get("/participants/\(participant.id!.uuidString)/check-ins").body.string
            #expect(history.contains("<strong>2 days checked in in a row</strong>"))
        }
    }

    @Test("milestones from the recovery start date show to the person and their coach only")
    func milestones() async throws {
        try await withTandem { app in
            let (admin, coach, person, participant) = try await app.checkInPeople()
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "sup@example.org")
            let today = ParticipantService.today(in: admin.organization)
            participant.recoveryStartDate = today.adding(days: -30)!.description
            try await participant.save(on: app.db)

            let own = TestBrowser(app)
            try await own.signIn(person)
            let home = try await own.get("/").body.string
            #expect(element("milestone-celebration", in: home)?.contains("30 days on") == true)
            #expect(home.contains("<strong>30</strong>"))
            #expect(home.contains("id=\"check-in-button\""))

            let coaching = TestBrowser(app)
            try await coaching.signIn(coach)
            let record = try await coaching.get("/participants/\(participant.id!.uuidString)").body.string
            #expect(record.contains("id=\"milestone-celebration\"") && record.contains("Recovery start date"))

            let supervising = TestBrowser(app)
            try await supervising.signIn(supervisor)
            let seen = try await supervising.get("/participants/\(participant.id!.uuidString)").body.string
            #expect(seen.contains("Dana Reyes"))
            #expect(!seen.contains("milestone-celebration") && !seen.contains("id=\"day-count\""))
            #expect(!seen.contains("Recovery start date"))
            let form = try await supervising.get("/participants/\(participant.id!.uuidString)/edit").body.string
            #expect(!form.contains("recovery_start_date"))
            // A supervisor's save keeps the date they cannot see.
            let saved = try await supervising.post(
                "/participants/\(participant.id!.uuidString)",
                pairs: newParticipantForm("Dana Reyes").filter {
                    !$0.0.hasPrefix("service") && $0.0 != "recovery_start_date"
                },
                tokenFrom: "/participants/\(participant.id!.uuidString)/edit")
            #expect(saved.status == .seeOther)
            #expect(
                try await Participant.find(participant.id, on: app.db)?.recoveryStartDate
                    == participant.recoveryStartDate)
        }
    }
}

/// Reads RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text)
    chars.reverse()
    while let c = chars.popLast() {
        if quoted {
            if c == "\"" {
                if chars.last == "\"" {
                    field.append("\"")
                    _ = chars.popLast()
                } else {
                    quoted = false
                }
            } else {
                field.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field)
            field = ""
        } else if c == "\r\n" || c == "\n" {
            row.append(field)
            rows.append(row)
            row = []
            field = ""
        } else {
            field.append(c)
        }
    }
    return rows
}

@Suite("Check-in API")
struct CheckInAPITests {
    @Test("a phone's retry with the same Idempotency-Key keeps one check-in; the coach lists and follows up")
    func api() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let phone = try await APIClient.signIn(app, person)
            let path = "/participants/\(participant.id!.uuidString)/check-ins"
            let body =
                #"{"mood":2,"craving":8,"use":"yes","supports":["online_meeting"],"wentWell":"Called Ana","reachOut":true}"#
            let key: HTTPHeaders = ["Idempotency-Key": "checkin-2026-03-01"]
            let (first, sent) = try await phone.send(.POST, path, json: body, headers: key)
            #expect(first.status == .created)
            #expect(
                sent["mood"] as? Int == 2 && sent["use"] as? String == "yes" && sent["reachOut"] as? String == "open")
            #expect((sent["date"] as? String)?.count == 10)
            let (retry, again) = try await phone.send(.POST, path, json: body, headers: key)
            #expect(retry.status == .created && again["id"] as? String == sent["id"] as? String)
            #expect(try await CheckIn.query(on: app.db).count() == 1)
            // The same key with other answers is refused; a new key changes today's check-in.
            let other = #"{"mood":3,"craving":1}"#
            #expect(try await phone.send(.POST, path, json: other, headers: key).0.status == .unprocessableEntity)
            let (changed, now) = try await phone.send(.POST, path, json: other, headers: ["Idempotency-Key": "k2"])
            #expect(changed.status == .created && now["id"] as? String == sent["id"] as? String)
            #expect(now["mood"] as? Int == 3, "\(now)")
            #expect(now["use"] == nil || now["use"] is NSNull, "\(now)")
            // Invalid answers: 422 with the fields, nothing changed.
            let (bad, problem) = try await phone.send(.POST, path, json: #"{"mood":9,"craving":-1}"#)
            #expect(bad.status == .unprocessableEntity)
            let fields = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["mood", "craving"])
            #expect(try await CheckIn.query(on: app.db).first()?.mood == 3)

            let coachClient = try await APIClient.signIn(app, coach)
            // A coach cannot check in for the person.
            #expect(try await coachClient.send(.POST, path, json: other).0.status == .forbidden)
            let (listed, page) = try await coachClient.send(.GET, path)
            #expect(listed.status == .ok)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.count == 1 && page["streak"] as? Int == 1 && page["hasMore"] as? Bool == false)
            let id = try #require(items.first?["id"] as? String)
            // The ask was taken back with the change, so there is nothing to follow up.
            #expect(try await coachClient.send(.POST, "\(path)/\(id)/follow-up").0.status == .conflict)
            _ = try await phone.send(.POST, path, json: body, headers: ["Idempotency-Key": "k3"])
            let (followed, done) = try await coachClient.send(.POST, "\(path)/\(id)/follow-up")
            #expect(followed.status == .ok && done["reachOut"] as? String == "followed_up")
            let (csv, _) = try await coachClient.send(.GET, "/participants/\(participant.id!.uuidString)/check-ins.csv")
            #expect(csv.status == .ok && parseCSV(csv.body.string).count == 2)
        }
    }
}

@Suite("Check-in chart")
struct CheckInChartTests {
    @Test("the participant page charts mood and cravings over 30 or 90 days, with a table")
    func chart() async throws {
        try await withTandem { app in
            let (admin, coach, _, participant) = try await app.checkInPeople()
            let today = ParticipantService.today(in: admin.organization)
            for (offset, mood, craving) in [(1, 2, 7), (20, 4, 3), (60, 5, 1)] {
                let checkIn = CheckIn(
                    organizationID: admin.organization.id!, participantID: participant.id!,
                    day: today.adding(days: -offset)!)
                checkIn.apply(CheckInAnswers(mood: mood, craving: craving))
                try await checkIn.create(on: app.db)
            }
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let page = try await browser.get("/participants/\(participant.id!.uuidString)").body.string
            #expect(page.contains("<svg class=\"chart\" id=\"mood-chart\"") && page.contains("id=\"craving-chart\""))
            #expect(page.components(separatedBy: "<circle ").count - 1 == 2)
            #expect(page.components(separatedBy: "<rect ").count - 1 == 2)
            let table = try #require(page.components(separatedBy: "id=\"check-in-chart-table\"").last)
            #expect(table.components(separatedBy: "<tr><td").count - 1 == 2)
            let longer = try await browser.get("/participants/\(participant.id!.uuidString)?days=90").body.string
            #expect(longer.components(separatedBy: "<circle ").count - 1 == 3)
            #expect(longer.contains("Mood over the last 90 days"))
            // Anything but 30 or 90 shows 30.
            let odd = try await browser.get("/participants/\(participant.id!.uuidString)?days=5000").body.string
            #expect(odd.contains("Mood over the last 30 days"))
        }
    }
}
