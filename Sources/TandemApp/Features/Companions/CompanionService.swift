import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Sober companion assignments: the coverage plan and shifts of a companion engagement (its
/// coaches plan them, as for appointments), the gaps in coverage before they happen, and the
/// shift log kept by the companion on shift, closed by a hand-over note. Audited for the person.
struct CompanionService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    /// The engagement, if it is a sober companion engagement the actor may plan (`schedule`)
    /// or read (`viewAppointments`).
    func engagement(_ id: UUID, _ action: ParticipantAction) async throws -> (Engagement, Participant) {
        guard let engagement = try await scope.engagement(id) else { throw ServiceError.notFound }
        let (participant, _) = try await people.authorized(engagement.$participant.id, action)
        guard engagement.serviceType == .soberCompanion else { throw ServiceError.conflict("error_not_companion") }
        return (engagement, participant)
    }

    func plan(of engagementID: UUID) async throws -> CoveragePlanRecord? {
        try await CoveragePlanRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$engagementID == engagementID).first()
    }

    /// Sets the coverage plan: a pattern, for a custom one its times and weekdays, and the
    /// hourly rate the engagement is billed at (dollars as typed; empty for none).
    func savePlan(
        _ engagementID: UUID, pattern raw: String, start: String, end: String, weekdays: [String],
        rate: String = "", now: Date = Date()
    ) async throws -> CoveragePlanRecord {
        let (engagement, participant) = try await engagement(engagementID, .schedule)
        var problems: [(field: String, key: String)] = []
        let pattern = CoveragePattern(rawValue: raw)
        if pattern == nil { problems.append(("pattern", "error_choose_one")) }
        let days = Set(weekdays.compactMap(Int.init))
        if let pattern, pattern == .custom,
            CoveragePlan.of(pattern, start: TimeOfDay(start), end: TimeOfDay(end), weekdays: days) == nil
        {
            problems.append(("start_time", "error_coverage_custom"))
        }
        let rateCents = Money.cents(rate)
        if rateCents == nil { problems.append(("hourly_rate", "error_trip_money")) }
        guard problems.isEmpty, let pattern, let rateCents else { throw ServiceError.invalid(problems) }
        let record = try await plan(of: engagementID) ?? CoveragePlanRecord()
        record.organizationID = actor.organizationID
        record.engagementID = engagement.id!
        record.pattern = pattern.rawValue
        record.startTime = pattern == .custom ? start : ""
        record.endTime = pattern == .custom ? end : ""
        record.weekdays = pattern == .custom ? "," + days.sorted().map(String.init).joined(separator: ",") + "," : ""
        record.hourlyRateCents = rateCents
        record.updatedAt = now
        // The plan as saved is kept from now on; weeks already past keep the plan of their time.
        try await req.db.transaction { db in
            try await record.save(on: db)
            try await CoveragePlanVersion(of: record, from: now).create(on: db)
        }
        try await people.audit(
            "coverage.plan", participant: participant.id, subjectType: "engagement", subject: engagement.id)
        return record
    }

    /// Adds a shift for a companion (staff of the organization), at most 24 hours long; a
    /// companion cannot be on two shifts at once.
    func addShift(
        _ engagementID: UUID, companion raw: String, startDate: String, startTime: String, endDate: String,
        endTime: String, now: Date = Date()
    ) async throws -> CompanionShift {
        let (engagement, participant) = try await engagement(engagementID, .schedule)
        var problems: [(field: String, key: String)] = []
        let staff = Set(try await scope.staffNames().map(\.id))
        let companion = UUID(uuidString: raw).flatMap { staff.contains($0) ? $0 : nil }
        if companion == nil { problems.append(("companion", "error_choose_one")) }
        let start = CalendarDate(startDate).flatMap { day in
            TimeOfDay(startTime).flatMap { AppointmentDraft.instant(day, $0, in: timeZone) }
        }
        let end = CalendarDate(endDate).flatMap { day in
            TimeOfDay(endTime).flatMap { AppointmentDraft.instant(day, $0, in: timeZone) }
        }
        if start == nil { problems.append(("start_date", "error_trip_time")) }
        if end == nil { problems.append(("end_date", "error_trip_time")) }
        if let start, let end, end <= start || end.timeIntervalSince(start) > 86_400 {
            problems.append(("end_date", "error_shift_length"))
        }
        guard problems.isEmpty, let companion, let start, let end else { throw ServiceError.invalid(problems) }
        let shift = CompanionShift()
        shift.organizationID = actor.organizationID
        shift.engagementID = engagement.id!
        shift.participantID = participant.id!
        shift.companionID = companion
        shift.startsAt = start
        shift.endsAt = end
        shift.handoverNote = ""
        shift.createdBy = actor.userID
        shift.createdAt = now
        let organizationID = actor.organizationID
        // The clash is looked for with the companion held, so two shifts added at once for
        // overlapping times cannot both pass.
        try await req.db.bookingStaff([companion], in: organizationID) { db in
            let theirs = try await CompanionShift.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$companionID == companion).filter(\.$startsAt < end).filter(\.$endsAt > start).count()
            if theirs > 0 { throw ServiceError.invalid([("companion", "error_shift_double_booked")]) }
            try await shift.create(on: db)
        }
        try await people.audit(
            "shift.create", participant: participant.id, subjectType: "companion_shift", subject: shift.id)
        return shift
    }

    struct Coverage: Sendable {
        let shifts: [CompanionShift]
        let gaps: [(start: Date, end: Date)]
    }

    /// The shifts and the gaps in coverage over the next `days` days.
    func coverage(_ engagementID: UUID, days: Int = 14, now: Date = Date()) async throws -> Coverage {
        let (engagement, participant) = try await engagement(engagementID, .viewAppointments)
        try await people.audit(
            "coverage.view", participant: participant.id, subjectType: "engagement", subject: engagement.id)
        let today = CalendarDate(now, in: timeZone)
        let last = today.adding(days: days - 1) ?? today
        let shifts = try await CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$engagementID == engagementID).filter(\.$endsAt > now).sort(\.$startsAt).all()
        guard let plan = try await plan(of: engagementID)?.plan else { return Coverage(shifts: shifts, gaps: []) }
        // From now on: what has already passed is no longer a gap to fill.
        let required = plan.windows(from: today.adding(days: -1) ?? today, through: last, in: timeZone)
            .compactMap { window -> (start: Date, end: Date)? in
                window.end > now ? (max(window.start, now), window.end) : nil
            }
        return Coverage(
            shifts: shifts, gaps: CoveragePlan.gaps(required, shifts: shifts.map { ($0.startsAt, $0.endsAt) }))
    }

    /// A shift, for its companion and whoever may see the person's appointments.
    func shift(_ id: UUID) async throws -> (CompanionShift, isCompanion: Bool) {
        guard
            let shift = try await CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        // The companion on the shift, while they are still on staff.
        if shift.companionID == actor.userID, actor.role.isStaff { return (shift, true) }
        guard (try? await people.authorized(shift.participantID, .viewAppointments)) != nil else {
            throw ServiceError.notFound
        }
        return (shift, false)
    }

    /// Adds to the shift log: its companion only, until the hand-over closes the shift. The
    /// same client key sent again is the entry already kept.
    func log(
        _ shiftID: UUID, category raw: String, severity: String, note: String, clientKey: String, now: Date = Date()
    ) async throws -> ShiftLogRecord {
        let (shift, isCompanion) = try await shift(shiftID)
        guard isCompanion else { throw ServiceError.denied }
        guard let key = ClientKey.normalized(clientKey) else {
            throw ServiceError.invalid([("client_key", "error_value_invalid")])
        }
        if let kept = try await ShiftLogRecord.query(on: req.db).filter(\.$shiftID == shiftID)
            .filter(\.$clientKey == key).first()
        {
            return kept
        }
        guard shift.handedOverAt == nil else { throw ServiceError.conflict("error_shift_handed_over") }
        var problems: [(field: String, key: String)] = []
        let category = ShiftLogCategory(rawValue: raw)
        if category == nil { problems.append(("category", "error_choose_one")) }
        if category == .incident && IncidentSeverity(rawValue: severity) == nil {
            problems.append(("severity", "error_choose_one"))
        }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { problems.append(("note", "error_shift_note")) }
        if text.count > 2000 { problems.append(("note", "error_text_too_long")) }
        if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            problems.append(("note", "error_text_invalid"))
        }
        guard problems.isEmpty, let category else { throw ServiceError.invalid(problems) }
        let record = ShiftLogRecord()
        record.id = UUID()
        record.organizationID = actor.organizationID
        record.shiftID = shiftID
        record.category = category.rawValue
        record.severity = category == .incident ? severity : ""
        record.note = text
        record.authorID = actor.userID
        record.authorName = actor.user.displayName
        record.clientKey = key
        record.createdAt = now
        // Kept only while the shift is still open, in the same statement, so an entry racing
        // the hand-over cannot land after it; the same key sent twice at once is kept once.
        guard let sql = req.db as? any SQLDatabase else { throw ServiceError.conflict("error_shift_handed_over") }
        let inserted = try await sql.raw(
            """
            INSERT INTO shift_log (id, organization_id, shift_id, category, severity, note, author_id, author_name, \
            client_key, created_at) SELECT \(bind: record.id!), \(bind: record.organizationID), \(bind: shiftID), \
            \(bind: record.category), \(bind: record.severity), \(bind: text), \(bind: actor.userID), \
            \(bind: record.authorName), \(bind: key), \(bind: now) WHERE EXISTS (SELECT 1 FROM companion_shifts \
            WHERE id = \(bind: shiftID) AND handed_over_at IS NULL) ON CONFLICT (shift_id, client_key) DO NOTHING \
            RETURNING id
            """
        ).all()
        if inserted.isEmpty {
            if let kept = try await ShiftLogRecord.query(on: req.db).filter(\.$shiftID == shiftID)
                .filter(\.$clientKey == key).first()
            {
                return kept
            }
            throw ServiceError.conflict("error_shift_handed_over")
        }
        try await people.audit(
            "shift.log", participant: shift.participantID, subjectType: "shift_log", subject: record.id)
        return record
    }

    /// Closes a shift with the hand-over note the next companion reads: required, once.
    func handOver(_ shiftID: UUID, note: String, now: Date = Date()) async throws -> CompanionShift {
        let (shift, isCompanion) = try await shift(shiftID)
        guard isCompanion else { throw ServiceError.denied }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw ServiceError.invalid([("handover_note", "error_handover_note")]) }
        if text.count > 2000 || text.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            throw ServiceError.invalid([("handover_note", "error_text_invalid")])
        }
        guard let sql = req.db as? any SQLDatabase,
            !(try await sql.raw(
                """
                UPDATE companion_shifts SET handover_note = \(bind: text), handed_over_at = \(bind: now) \
                WHERE id = \(bind: shiftID) AND organization_id = \(bind: actor.organizationID) \
                AND handed_over_at IS NULL RETURNING id
                """
            ).all()).isEmpty
        else { throw ServiceError.conflict("error_shift_handed_over") }
        shift.handoverNote = text
        shift.handedOverAt = now
        try await people.audit(
            "shift.hand_over", participant: shift.participantID, subjectType: "companion_shift", subject: shift.id)
        return shift
    }

    /// The hand-over note of the companion before: the last shift of the engagement handed over
    /// before this one starts.
    func previousHandOver(_ shift: CompanionShift) async throws -> CompanionShift? {
        try await CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$engagementID == shift.engagementID).filter(\.$startsAt < shift.startsAt)
            .filter(\.$handedOverAt != nil).sort(\.$startsAt, .descending).first()
    }
}
