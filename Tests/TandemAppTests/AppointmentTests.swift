import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Appointments")
struct AppointmentServiceTests {
    static func service(_ app: Application, _ account: Account, _ role: Role) -> AppointmentService {
        AppointmentService(
            Request(application: app, on: app.eventLoopGroup.any()),
            actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    /// 2026-11-02 10:00 in New York (the test organization's zone).
    static let now = ISO8601DateFormatter().date(from: "2026-11-02T15:00:00Z")!

    static func draft(_ date: String = "2026-11-03", _ start: String = "10:00", _ end: String = "10:45")
        -> AppointmentDraft
    {
        AppointmentDraft(date: date, start: start, end: end, mode: "in_person", place: "The office")
    }

    @Test("a coach plans, moves, cancels and records appointments; each step is checked and audited")
    func lifecycle() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            let appointments = Self.service(app, coach, .coach)

            // Bad input changes nothing.
            do {
                _ = try await appointments.create(
                    person.id!, AppointmentDraft(date: "2026-11-02", start: "09:00", end: "08:00", mode: "fax"),
                    now: Self.now)
                Issue.record("a bad appointment was kept")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["end", "mode"])
            }
            #expect(try await Appointment.query(on: app.db).count() == 0)

            let planned = try await appointments.create(person.id!, Self.draft(), now: Self.now)
            #expect(planned.status == .scheduled && planned.changes == 0)
            #expect(ICalendar.utc(planned.startsAt) == "20261103T150000Z")

            // Moving needs a reason; a move counts as a change for calendars.
            await #expect(throws: ServiceError.self) {
                try await appointments.reschedule(planned.id!, Self.draft("2026-11-04"), reason: " ", now: Self.now)
            }
            let moved = try await appointments.reschedule(
                planned.id!, Self.draft("2026-11-04", "14:00", "14:30"), reason: "Clinic visit", now: Self.now)
            #expect(moved.changes == 1 && moved.reason == "Clinic visit")
            #expect(ICalendar.utc(moved.startsAt) == "20261104T190000Z")

            // Not recorded before its time; recorded once after it.
            await #expect(throws: ServiceError.self) {
                try await appointments.record(planned.id!, attended: false, now: Self.now)
            }
            let later = Self.now.addingTimeInterval(3 * 86_400)
            let missed = try await appointments.record(planned.id!, attended: false, now: later)
            #expect(missed.status == .missed)
            await #expect(throws: ServiceError.self) { try await appointments.cancel(planned.id!, reason: "Late") }
            await #expect(throws: ServiceError.self) {
                try await appointments.record(planned.id!, attended: true, now: later)
            }

            let second = try await appointments.create(person.id!, Self.draft("2026-11-10"), now: Self.now)
            let cancelled = try await appointments.cancel(second.id!, reason: "Rosa is travelling")
            #expect(cancelled.status == .cancelled && cancelled.changes == 1)

            // The person sees their appointments (not the staff's reasons); other coaches do not.
            let asPerson = Self.service(app, personAccount, .participant)
            let own = try await asPerson.appointment(planned.id!, now: later)
            #expect(own.reason.isEmpty && !own.canChange && !own.canRecord)
            await #expect(throws: ServiceError.self) {
                try await asPerson.create(person.id!, Self.draft(), now: Self.now)
            }
            let stranger = Self.service(app, other, .coach)
            await #expect(throws: ServiceError.self) { try await stranger.appointment(planned.id!) }
            await #expect(throws: ServiceError.self) { try await stranger.cancel(second.id!, reason: "x") }
            await #expect(throws: ServiceError.self) { try await stranger.list(of: person.id!) }

            let actions = try await AuditEvent.query(on: app.db).filter(\.$participantID == person.id!).all(\.$action)
            for action in [
                "appointment.create", "appointment.reschedule", "appointment.missed", "appointment.cancel",
                "appointment.view",
            ] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test("two changes of the same appointment at once: exactly one wins")
    func concurrentChanges() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (person, _) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            let planned = try await Self.service(app, coach, .coach).create(person.id!, Self.draft(), now: Self.now)
            let later = Self.now.addingTimeInterval(3 * 86_400)
            let results = await withTaskGroup(of: Bool.self) { group in
                for attended in [true, false] {
                    group.addTask {
                        (try? await Self.service(app, coach, .coach).record(planned.id!, attended: attended, now: later))
                            != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        }
    }

    @Test("calendar feeds: a coach's and a person's, what they show, replaced and revoked")
    func feeds() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let family = try await app.addMember(.family, to: admin.organization, email: "f@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa Maria", in: admin.organization, coach: coach.user, user: personAccount.user)
            let now = Date()
            let tomorrow = CalendarDate(now.addingTimeInterval(86_400), in: TimeZone(identifier: "America/New_York")!)
            _ = try await Self.service(app, coach, .coach).create(
                person.id!, Self.draft(tomorrow.description, "10:00", "11:00"), now: now)
            func feeds(_ account: Account, _ role: Role) -> CalendarFeedService {
                CalendarFeedService(
                    Request(application: app, on: app.eventLoopGroup.any()),
                    actor: Actor(user: account.user, organization: account.organization, role: role))
            }
            let coachToken = try await feeds(coach, .coach).create(detail: "details")
            let personToken = try await feeds(personAccount, .participant).create(detail: "times")
            await #expect(throws: ServiceError.self) { try await feeds(family, .family).create(detail: "times") }
            await #expect(throws: ServiceError.self) { try await feeds(coach, .coach).create(detail: "everything") }

            let browser = TestBrowser(app)
            let coachFeed = try await browser.get("/calendar/\(coachToken).ics")
            #expect(coachFeed.status == .ok && coachFeed.headers.contentType?.subType == "calendar")
            let coachText = coachFeed.body.string
            #expect(
                coachText.contains("SUMMARY:Appointment with Rosa\r\n") && coachText.contains("LOCATION:The office"))
            #expect(!coachText.contains("Maria"))
            let personText = try await browser.get("/calendar/\(personToken)").body.string
            #expect(personText.contains("SUMMARY:Appointment\r\n") && !personText.contains("The office"))
            #expect(!personText.contains("Member"))
            #expect(try await CalendarFeed.query(on: app.db).filter(\.$lastUsedAt != nil).count() == 2)

            // A new address revokes the old one; turning it off revokes it too.
            let newToken = try await feeds(coach, .coach).create(detail: "times")
            #expect(try await browser.get("/calendar/\(coachToken).ics").status == .notFound)
            #expect(try await browser.get("/calendar/\(newToken).ics").status == .ok)
            try await feeds(coach, .coach).revoke()
            #expect(try await browser.get("/calendar/\(newToken).ics").status == .notFound)
            #expect(try await browser.get("/calendar/nonsense.ics").status == .notFound)
            // Only the secret's hash is stored.
            let stored = try await CalendarFeed.query(on: app.db).all(\.$tokenHash)
            #expect(!stored.contains(personToken) && stored.contains(SecureToken.hash(personToken)))
        }
    }
}

@Suite("Appointment pages")
struct AppointmentPageTests {
    @Test("a coach plans an appointment through the pages; the person sees it and downloads its .ics")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            let id = person.id!.uuidString
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(
                try await browser.get("/participants/\(id)").body.string.contains("/participants/\(id)/appointments"))
            #expect(try await browser.get("/").body.string.contains("href=\"/schedule\""))
            let form = try await browser.get("/participants/\(id)/appointments/new")
            #expect(form.status == .ok && form.body.string.contains("appointment-form"))
            let refused = try await browser.post(
                "/participants/\(id)/appointments",
                pairs: [
                    ("date", "2020-01-01"), ("start", "10:00"), ("end", "11:00"), ("mode", "video"),
                    ("video_link", "ftp://x"),
                ],
                tokenFrom: "/participants/\(id)/appointments/new")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("video_link-error"))
            #expect(try await Appointment.query(on: app.db).count() == 0)
            let zone = TimeZone(identifier: "America/New_York")!
            let day = CalendarDate(Date().addingTimeInterval(2 * 86_400), in: zone)
            let kept = try await browser.post(
                "/participants/\(id)/appointments",
                pairs: [
                    ("date", day.description), ("start", "15:00"), ("end", "15:30"), ("mode", "video"),
                    ("video_link", "https://meet.example.org/rosa"),
                ],
                tokenFrom: "/participants/\(id)/appointments/new")
            #expect(kept.status == .seeOther)
            let location = try #require(kept.location)
            let path = String(location.prefix { $0 != "?" })
            let page = try await browser.get(path).body.string
            #expect(
                page.contains("15:00–15:30") && page.contains("move-appointment") && page.contains("cancel-appointment")
            )
            let week = try await browser.get("/schedule?week=\(day)").body.string
            #expect(week.contains(path) && week.contains("Rosa"))
            // Moving without a reason is refused at the field.
            let noReason = try await browser.post(
                path + "/reschedule",
                pairs: [("date", day.description), ("start", "16:00"), ("end", "16:30"), ("mode", "phone")],
                tokenFrom: path)
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("reason-error"))
            let cancelNoReason = try await browser.post(path + "/cancel", pairs: [("reason", "")], tokenFrom: path)
            #expect(cancelNoReason.body.string.contains("cancel_reason-error"))

            // The person finds it on their home page and downloads it for their calendar.
            let own = TestBrowser(app)
            try await own.signIn(personAccount)
            let home = try await own.get("/").body.string
            #expect(home.contains("my-appointments") && home.contains(path))
            let personPage = try await own.get(path).body.string
            #expect(!personPage.contains("move-appointment") && personPage.contains("download-ics"))
            let ics = try await own.get(path + "/calendar.ics")
            #expect(ics.status == .ok && ics.headers.contentType?.subType == "calendar")
            let text = ics.body.string
            #expect(text.contains("BEGIN:VEVENT") && text.contains("URL:https://meet.example.org/rosa"))
            #expect(text.contains("SUMMARY:Appointment with Member"))
            #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })

            // The calendar page makes an address once, shown once.
            let made = try await own.post(
                "/account/calendar", ["action": "create", "detail": "times"], tokenFrom: "/account/calendar")
            #expect(made.status == .ok && made.body.string.contains("/calendar/"))
            let again = try await own.get("/account/calendar").body.string
            #expect(!again.contains("feed-address") && again.contains("revoke-feed"))
        }
    }
}

@Suite("Phone and video sessions")
struct CallSessionTests {
    @Test("a phone appointment carries its number; after the call one click opens the note, filled in")
    func phoneCallToNote() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            let service = AppointmentServiceTests.service(app, coach, .coach)
            let call = try await service.create(
                person.id!,
                AppointmentDraft(
                    date: "2026-11-03", start: "10:00", end: "10:40", mode: "phone", videoLink: "+1 302 555 0148"),
                now: AppointmentServiceTests.now)
            #expect(call.videoLink == "+1 302 555 0148")
            // The calendar entry carries no phone number as a web address.
            #expect(!(try await service.ics(call.id!, now: AppointmentServiceTests.now).contains("URL")))
            let browser = try await TestBrowser.signedIn(app, coach)
            let page = try await browser.get("/appointments/\(call.id!)").body.string
            #expect(page.contains("href=\"tel:+1 302 555 0148\""))
            // The call's time has come (it is in the past now): the note opens from the appointment.
            #expect(page.contains("id=\"write-note\""))
            let form = try await browser.get("/participants/\(person.id!)/notes/new?appointment=\(call.id!)").body
                .string
            #expect(form.contains("value=\"2026-11-03\"") && form.contains("value=\"10:00\""))
            #expect(form.contains("value=\"10:40\""))
            #expect(form.contains("value=\"phone\" checked") || form.contains("value=\"phone\" selected"))
            // The person sees the number but writes no note.
            let own = try await TestBrowser.signedIn(app, personAccount).get("/appointments/\(call.id!)").body.string
            #expect(own.contains("tel:+1 302 555 0148") && !own.contains("id=\"write-note\""))
        }
    }
}
