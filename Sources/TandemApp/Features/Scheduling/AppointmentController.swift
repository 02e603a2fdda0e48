import Fluent
import Foundation
import TandemKit
import Vapor

/// Appointment pages: a coach's week, a person's appointments, planning one, and one
/// appointment with what may be done next (move, cancel, record, add to a calendar). The
/// service checks access and audits.
struct AppointmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("schedule", use: week)
        let forPerson = routes.grouped("participants", ":participantID", "appointments")
        forPerson.get(use: list)
        forPerson.get("new", use: newForm)
        forPerson.post(use: create)
        let one = routes.grouped("appointments", ":appointmentID")
        one.get(use: show)
        one.get("calendar.ics", use: ics)
        one.post("reschedule", use: reschedule)
        one.post("cancel", use: cancel)
        one.post("record", use: record)
    }

    // MARK: Rows

    struct Row: Encodable, Sendable {
        let id: String
        let date: String
        let isoDate: String
        let time: String
        let mode: String
        let status: String
        let statusKey: String
        let name: String
    }

    /// The local day and time of `instant` in `timeZone`.
    static func local(_ instant: Date, _ timeZone: TimeZone) -> (day: CalendarDate, time: TimeOfDay) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return (
            CalendarDate(instant, in: timeZone),
            TimeOfDay(minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0)) ?? TimeOfDay(minutes: 0)!
        )
    }

    static func row(_ appointment: Appointment, name: String, req: Request, timeZone: TimeZone) -> Row {
        let start = local(appointment.startsAt, timeZone)
        let end = local(appointment.endsAt, timeZone)
        return Row(
            id: appointment.id!.uuidString, date: start.day.written(req.messages), isoDate: start.day.description,
            time: "\(start.time)–\(end.time)", mode: req.t("contact_mode_" + appointment.mode),
            status: req.t("appointment_status_" + appointment.status.rawValue),
            statusKey: appointment.status.rawValue, name: name)
    }

    static func zone(_ actor: SignedIn) -> TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    // MARK: The coach's week

    struct Day: Encodable, Sendable {
        let title: String
        let isoDate: String
        let isToday: Bool
        let rows: [Row]
    }

    struct WeekBody: Encodable, Sendable {
        let title: String
        let days: [Day]
        let previous: String
        let next: String
        let thisWeek: String
        let isThisWeek: Bool
        let feedHref: String
    }

    struct WeekQuery: Content {
        var week: String?
    }

    @Sendable func week(req: Request) async throws -> Response {
        let actor = try await req.authorize(.viewCaseloads)
        let timeZone = Self.zone(actor)
        let today = CalendarDate(Date(), in: timeZone)
        let monday = Self.monday(of: today)
        let asked = (try? req.query.decode(WeekQuery.self))?.week.flatMap { CalendarDate($0) }
        let first = asked.map(Self.monday(of:)) ?? monday
        let days = (0..<7).compactMap { first.adding(days: $0) }
        guard let last = days.last, let after = last.adding(days: 1),
            let from = AppointmentDraft.instant(first, TimeOfDay(minutes: 0)!, in: timeZone),
            let to = AppointmentDraft.instant(after, TimeOfDay(minutes: 0)!, in: timeZone)
        else { throw Abort(.badRequest) }
        let appointments = try await AppointmentService(req, actor: actor.actor).schedule(from: from, to: to)
        let rows = appointments.map { Self.row($0.0, name: $0.1, req: req, timeZone: timeZone) }
        let body = WeekBody(
            title: req.t(
                "schedule_week_of", ["date": first.written(req.messages)]),
            days: days.map { day in
                Day(
                    title: req.t("weekday_\(Self.weekday(day))") + ", " + day.written(req.messages),
                    isoDate: day.description, isToday: day == today,
                    rows: rows.filter { $0.isoDate == day.description })
            }, previous: "/schedule?week=\(first.adding(days: -7) ?? first)",
            next: "/schedule?week=\(after)", thisWeek: "/schedule", isThisWeek: first == monday,
            feedHref: "/account/calendar")
        return try await req.page("appointments/week", titleKey: "schedule_title", body)
    }

    /// 1 (Monday) … 7 (Sunday).
    static func weekday(_ day: CalendarDate) -> Int {
        // 2024-01-01 was a Monday.
        let reference = CalendarDate(year: 2024, month: 1, day: 1)!
        let offset = reference.days(until: day) % 7
        return (offset + 7) % 7 + 1
    }

    static func monday(of day: CalendarDate) -> CalendarDate {
        day.adding(days: 1 - weekday(day)) ?? day
    }

    // MARK: A person's appointments

    struct ListBody: Encodable, Sendable {
        let id: String
        let name: String
        let upcoming: [Row]
        let past: [Row]
        let canSchedule: Bool
        let isOwn: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("participantID")
        let (participant, canSchedule, upcoming, past) = try await AppointmentService(req, actor: actor.actor).list(
            of: id)
        let timeZone = Self.zone(actor)
        let coachNames = try await Self.coachNames(upcoming + past, req: req)
        let isOwn = actor.role == .participant
        func row(_ appointment: Appointment) -> Row {
            Self.row(
                appointment, name: coachNames[appointment.coachID] ?? "", req: req, timeZone: timeZone)
        }
        return try await req.page(
            "appointments/list", titleKey: "appointments_title",
            ListBody(
                id: id.uuidString, name: participant.preferredName, upcoming: upcoming.map(row), past: past.map(row),
                canSchedule: canSchedule, isOwn: isOwn))
    }

    static func coachNames(_ appointments: [Appointment], req: Request) async throws -> [UUID: String] {
        let users = try await User.query(on: req.db).filter(\.$id ~~ Set(appointments.map(\.coachID))).all()
        return Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.displayName) })
    }

    // MARK: Planning one

    struct FormBody: Encodable, Sendable {
        let action: String
        let name: String
        let date: String
        let start: String
        let end: String
        let modes: [CheckOption]
        let place: String
        let videoLink: String
        /// Shown when moving an appointment: the reason is asked for.
        let asksReason: Bool
        let reason: String
        let backHref: String
    }

    struct AppointmentForm: Content {
        var date: String?
        var start: String?
        var end: String?
        var mode: String?
        var place: String?
        var video_link: String?
        var reason: String?

        var draft: AppointmentDraft {
            AppointmentDraft(
                date: date ?? "", start: start ?? "", end: end ?? "", mode: mode ?? "", place: place ?? "",
                videoLink: video_link ?? "")
        }
    }

    static func formBody(
        action: String, name: String, draft: AppointmentDraft, asksReason: Bool, reason: String, backHref: String,
        req: Request
    ) -> FormBody {
        FormBody(
            action: action, name: name, date: draft.date, start: draft.start, end: draft.end,
            modes: ContactMode.allCases.filter { $0 != .textChat }.map {
                CheckOption(
                    value: $0.rawValue, label: req.t("contact_mode_" + $0.rawValue), checked: draft.mode == $0.rawValue)
            }, place: draft.place, videoLink: draft.videoLink, asksReason: asksReason, reason: reason,
            backHref: backHref)
    }

    /// The new-appointment page: the form alone (the move form shares its fields partial).
    struct FormPage: Encodable, Sendable {
        let form: FormBody
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("participantID")
        let (participant, _) = try await ParticipantService(req, actor: actor.actor).authorized(id, .schedule)
        let tomorrow = CalendarDate(Date(), in: Self.zone(actor)).adding(days: 1)
        let draft = AppointmentDraft(date: tomorrow?.description ?? "", start: "10:00", end: "10:45", mode: "in_person")
        return try await req.page(
            "appointments/form", titleKey: "appointment_new_title",
            FormPage(
                form: Self.formBody(
                    action: "/participants/\(id)/appointments", name: participant.preferredName, draft: draft,
                    asksReason: false, reason: "", backHref: "/participants/\(id)/appointments", req: req)))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(AppointmentForm.self)) ?? AppointmentForm()
        do {
            let appointment = try await AppointmentService(req, actor: actor.actor).create(id, form.draft)
            return .redirect("/appointments/\(appointment.id!)?saved=1")
        } catch ServiceError.invalid(let problems) {
            let (participant, _) = try await ParticipantService(req, actor: actor.actor).authorized(id, .schedule)
            return try await req.page(
                "appointments/form", titleKey: "appointment_new_title",
                FormPage(
                    form: Self.formBody(
                        action: "/participants/\(id)/appointments", name: participant.preferredName,
                        draft: form.draft, asksReason: false, reason: "",
                        backHref: "/participants/\(id)/appointments", req: req)),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    // MARK: One appointment

    struct ShowBody: Encodable, Sendable {
        let id: String
        let participantID: String
        let participantName: String
        let coachName: String
        let row: Row
        let place: String
        let videoLink: String
        /// The way to join is a number to call (a phone appointment), not a web address.
        let joinByPhone: Bool
        /// After the call: one click opens the session note, filled in from the appointment.
        let canWriteNote: Bool
        let reason: String
        let canChange: Bool
        let canRecord: Bool
        let isStaff: Bool
        /// The move form, while the appointment may be moved.
        let form: FormBody?
        let cancelReason: String
        let notice: String?
    }

    struct ShowQuery: Content {
        var saved: String?
        var changed: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let query = (try? req.query.decode(ShowQuery.self)) ?? ShowQuery()
        let notice =
            query.saved != nil ? req.t("appointment_saved") : query.changed != nil ? req.t("appointment_changed") : nil
        return try await showPage(try req.id("appointmentID"), actor: actor, req: req, notice: notice)
    }

    func showPage(
        _ id: UUID, actor: SignedIn, req: Request, notice: String? = nil, draft: AppointmentDraft? = nil,
        reason: String = "", cancelReason: String = "", errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let detail = try await AppointmentService(req, actor: actor.actor).appointment(id)
        let appointment = detail.appointment
        let timeZone = Self.zone(actor)
        let start = Self.local(appointment.startsAt, timeZone)
        let end = Self.local(appointment.endsAt, timeZone)
        let current = AppointmentDraft(
            date: start.day.description, start: start.time.description, end: end.time.description,
            mode: appointment.mode, place: appointment.place, videoLink: appointment.videoLink)
        let reschedule =
            detail.canChange
            ? Self.formBody(
                action: "/appointments/\(id)/reschedule", name: detail.participantName, draft: draft ?? current,
                asksReason: true, reason: reason, backHref: "/appointments/\(id)", req: req) : nil
        return try await req.page(
            "appointments/show", titleKey: "appointment_title",
            ShowBody(
                id: id.uuidString, participantID: appointment.participantID.uuidString,
                participantName: detail.participantName, coachName: detail.coachName,
                row: Self.row(appointment, name: detail.coachName, req: req, timeZone: timeZone),
                place: appointment.place, videoLink: appointment.videoLink,
                joinByPhone: appointment.mode == ContactMode.phone.rawValue, canWriteNote: detail.canWriteNote,
                reason: detail.reason,
                canChange: detail.canChange, canRecord: detail.canRecord, isStaff: actor.role.isStaff,
                form: reschedule, cancelReason: cancelReason, notice: notice),
            errors: errors, status: status)
    }

    @Sendable func reschedule(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("appointmentID")
        let form = (try? req.content.decode(AppointmentForm.self)) ?? AppointmentForm()
        do {
            _ = try await AppointmentService(req, actor: actor.actor).reschedule(
                id, form.draft, reason: form.reason ?? "")
            return .redirect("/appointments/\(id)?changed=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                id, actor: actor, req: req, draft: form.draft, reason: form.reason ?? "",
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct ReasonForm: Content {
        var reason: String?
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("appointmentID")
        let form = (try? req.content.decode(ReasonForm.self)) ?? ReasonForm()
        do {
            _ = try await AppointmentService(req, actor: actor.actor).cancel(id, reason: form.reason ?? "")
            return .redirect("/appointments/\(id)?changed=1")
        } catch ServiceError.invalid(let problems) {
            // The cancel form's field has its own id on a page that also holds the move form.
            return try await showPage(
                id, actor: actor, req: req, cancelReason: form.reason ?? "",
                errors: req.fieldErrors(problems.map { ("cancel_reason", $0.key) }), status: .unprocessableEntity)
        }
    }

    struct RecordForm: Content {
        var outcome: String?
    }

    @Sendable func record(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("appointmentID")
        let form = (try? req.content.decode(RecordForm.self)) ?? RecordForm()
        guard let outcome = form.outcome, ["attended", "missed"].contains(outcome) else {
            return try await showPage(
                id, actor: actor, req: req, errors: req.fieldErrors([("outcome", "error_choose_one")]),
                status: .unprocessableEntity)
        }
        _ = try await AppointmentService(req, actor: actor.actor).record(id, attended: outcome == "attended")
        return .redirect("/appointments/\(id)?changed=1")
    }

    @Sendable func ics(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let id = try req.id("appointmentID")
        let text = try await AppointmentService(req, actor: actor.actor).ics(id)
        return .text(text, subType: "calendar", filename: "appointment.ics")
    }
}
