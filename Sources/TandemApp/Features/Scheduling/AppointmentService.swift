import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Appointments: a coach plans one with a person they coach, moves or cancels it with a
/// reason, and once its time has come records whether it happened. Reading one checks
/// `viewAppointments` for its person (the person themself, their coaches, supervisors and
/// admins), changing one checks `schedule`; each step is audited for the person. A change
/// claims the appointment while it is still scheduled, so two changes at once cannot both win.
struct AppointmentService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    /// An appointment with the names the reader may see and what they may do with it.
    struct Detail: Sendable {
        let appointment: Appointment
        let participantName: String
        let coachName: String
        /// Move or cancel it (while scheduled).
        let canChange: Bool
        /// Record it as attended or missed (scheduled, and its time has come).
        let canRecord: Bool
        /// Write its session note (its time has come, and it was not cancelled or missed).
        let canWriteNote: Bool
        /// The reason it was moved or cancelled: for staff.
        let reason: String
    }

    func create(_ participantID: UUID, _ draft: AppointmentDraft, now: Date = Date()) async throws -> Appointment {
        _ = try await people.authorized(participantID, .schedule)
        let (draft, interval) = try checked(draft, now: now)
        let appointment = Appointment(
            organizationID: actor.organizationID, participantID: participantID, coachID: actor.userID,
            createdBy: actor.userID)
        appointment.apply(draft, interval: interval)
        try await appointment.create(on: req.db)
        try await audit("appointment.create", appointment)
        return appointment
    }

    /// Moves a scheduled appointment to a new time (and mode or place), with a reason.
    func reschedule(_ id: UUID, _ draft: AppointmentDraft, reason: String, now: Date = Date()) async throws
        -> Appointment
    {
        let current = try await changeable(id)
        let (draft, interval) = try checked(draft, now: now, reason: reason)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let appointment = try await claimed(current.id!) { appointment in
            appointment.apply(draft, interval: interval)
            appointment.reason = reason
            appointment.changes += 1
        }
        try await audit("appointment.reschedule", appointment)
        try await Reminders.withdraw(appointmentID: appointment.id!, on: req.writeDB)
        return appointment
    }

    func cancel(_ id: UUID, reason: String) async throws -> Appointment {
        let current = try await changeable(id)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let key = AppointmentReason.problem(reason) { throw ServiceError.invalid([("reason", key)]) }
        let appointment = try await claimed(current.id!) { appointment in
            appointment.status = .cancelled
            appointment.reason = reason
            appointment.changes += 1
        }
        try await audit("appointment.cancel", appointment)
        try await Reminders.withdraw(appointmentID: appointment.id!, on: req.writeDB)
        return appointment
    }

    /// Records that a scheduled appointment happened, or that the person did not come.
    func record(_ id: UUID, attended: Bool, now: Date = Date()) async throws -> Appointment {
        let current = try await changeable(id)
        guard current.startsAt <= now else { throw ServiceError.conflict("error_appointment_not_yet") }
        let appointment = try await claimed(current.id!) { appointment in
            appointment.status = attended ? .attended : .missed
        }
        try await audit(attended ? "appointment.attended" : "appointment.missed", appointment)
        if attended {
            try await ContactLog.touch(
                [appointment.participantID], organizationID: actor.organizationID, at: min(appointment.endsAt, now),
                on: req.db)
        }
        return appointment
    }

    func appointment(_ id: UUID, now: Date = Date()) async throws -> Detail {
        let appointment = try await find(id)
        let (participant, relation) = try await people.authorized(appointment.participantID, .viewAppointments)
        let coach = try await User.find(appointment.coachID, on: req.db)
        let canChange =
            appointment.status.isOpen && ParticipantAccess.can(actor.role, .schedule, relation)
        try await audit("appointment.view", appointment)
        return Detail(
            appointment: appointment, participantName: participant.preferredName,
            coachName: coach?.displayName ?? "", canChange: canChange,
            canRecord: canChange && appointment.startsAt <= now,
            canWriteNote: appointment.status != .cancelled && appointment.status != .missed
                && appointment.startsAt <= now && ParticipantAccess.can(actor.role, .writeNotes, relation),
            reason: actor.role.isStaff ? appointment.reason : "")
    }

    /// A person's appointments: those still to come (soonest first) and the latest past ones.
    func list(of participantID: UUID, now: Date = Date(), pastLimit: Int = 20) async throws -> (
        participant: Participant, canSchedule: Bool, upcoming: [Appointment], past: [Appointment]
    ) {
        let (participant, relation) = try await people.authorized(participantID, .viewAppointments)
        let base = Appointment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID)
        let upcoming = try await base.copy().filter(\.$endsAt >= now).filter(\.$status == .scheduled)
            .sort(\.$startsAt).limit(200).all()
        let past = try await base.copy().group(.or) { group in
            group.filter(\.$endsAt < now).filter(\.$status != .scheduled)
        }.sort(\.$startsAt, .descending).limit(pastLimit).all()
        let upcomingIDs = Set(upcoming.compactMap(\.id))
        try await people.audit("appointment.list", participant: participantID)
        return (
            participant, ParticipantAccess.can(actor.role, .schedule, relation), upcoming,
            past.filter { !upcomingIDs.contains($0.id!) }
        )
    }

    /// The actor's own appointments (as coach) from `from` up to, not including, `to`, with
    /// each person's preferred name.
    func schedule(from: Date, to: Date) async throws -> [(Appointment, String)] {
        guard actor.role.isStaff else { throw ServiceError.denied }
        let appointments = try await Appointment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$coachID == actor.userID).filter(\.$startsAt >= from).filter(\.$startsAt < to)
            .sort(\.$startsAt).limit(1000).all()
        let names = try await scope.participants().filter(\.$id ~~ Set(appointments.map(\.participantID)))
            .all()
        let byID = Dictionary(uniqueKeysWithValues: names.map { ($0.id!, $0.preferredName) })
        return appointments.map { ($0, byID[$0.participantID] ?? "") }
    }

    /// One appointment as an iCalendar file, with what the reader may see of it.
    func ics(_ id: UUID, now: Date = Date()) async throws -> String {
        let detail = try await appointment(id, now: now)
        let other = actor.userID == detail.appointment.coachID ? detail.participantName : detail.coachName
        let event = Self.calendarAppointment(detail.appointment, otherName: other)
        let calendar = ICalendar(
            name: req.t("calendar_name"), events: [Self.event(event, detail: .details, req: req)])
        try await audit("appointment.ics", detail.appointment)
        return calendar.text(now: now)
    }

    // MARK: - Pieces shared with the feeds

    static func calendarAppointment(_ appointment: Appointment, otherName: String) -> CalendarAppointment {
        CalendarAppointment(
            id: appointment.id!.uuidString, start: appointment.startsAt, end: appointment.endsAt,
            status: appointment.status, mode: ContactMode(rawValue: appointment.mode), place: appointment.place,
            videoLink: appointment.videoLink, otherName: otherName, changes: appointment.changes)
    }

    static func event(_ appointment: CalendarAppointment, detail: CalendarFeedDetail, req: Request) -> ICalendar.Event {
        appointment.event(
            detail: detail, domain: calendarDomain(req), plainTitle: req.t("calendar_event_plain"),
            titleWith: { req.t("calendar_event_with", ["name": $0]) },
            modeName: { req.t("contact_mode_" + $0.rawValue) })
    }

    /// The host name that makes event UIDs globally unique.
    static func calendarDomain(_ req: Request) -> String {
        let base = req.absoluteURL("")
        return URL(string: base)?.host ?? "tandem.invalid"
    }

    // MARK: - Pieces

    private func find(_ id: UUID) async throws -> Appointment {
        guard
            let appointment = try await Appointment.query(on: req.db)
                .filter(\.$organizationID == actor.organizationID).filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return appointment
    }

    /// The appointment, when the actor may change it and it is still scheduled.
    private func changeable(_ id: UUID) async throws -> Appointment {
        let appointment = try await find(id)
        _ = try await people.authorized(appointment.participantID, .schedule)
        guard appointment.status.isOpen else { throw ServiceError.conflict("error_appointment_closed") }
        return appointment
    }

    /// Applies `change` to the appointment if it is still scheduled when claimed.
    private func claimed(_ id: UUID, _ change: @escaping @Sendable (Appointment) -> Void) async throws
        -> Appointment
    {
        let organizationID = actor.organizationID
        return try await req.db.transaction { db in
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            let rows = try await sql.raw(
                """
                UPDATE appointments SET updated_at = \(bind: Date()) WHERE id = \(bind: id) \
                AND organization_id = \(bind: organizationID) AND status = 'scheduled' RETURNING id
                """
            ).all()
            guard !rows.isEmpty, let appointment = try await Appointment.find(id, on: db) else {
                throw ServiceError.conflict("error_appointment_closed")
            }
            change(appointment)
            try await appointment.save(on: db)
            return appointment
        }
    }

    private func checked(_ draft: AppointmentDraft, now: Date, reason: String? = nil) throws -> (
        AppointmentDraft, (start: Date, end: Date)
    ) {
        let draft = draft.normalized()
        var problems = draft.problems(now: now, in: timeZone)
        if let reason, let key = AppointmentReason.problem(reason.trimmingCharacters(in: .whitespacesAndNewlines)) {
            problems.append(("reason", key))
        }
        guard problems.isEmpty, let interval = draft.interval(in: timeZone) else {
            throw ServiceError.invalid(problems.isEmpty ? [("date", "error_date_invalid")] : problems)
        }
        return (draft, interval)
    }

    private func audit(_ action: String, _ appointment: Appointment) async throws {
        try await people.audit(
            action, participant: appointment.participantID, subjectType: "appointment", subject: appointment.id)
    }
}
