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

    /// Sets the coverage plan: a pattern, and for a custom one its times and weekdays.
    func savePlan(
        _ engagementID: UUID, pattern raw: String, start: String, end: String, weekdays: [String],
        now: Date = Date()
    ) async throws -> CoveragePlanRecord {
        let (engagement, participant) = try await engagement(engagementID, .schedule)
        guard let pattern = CoveragePattern(rawValue: raw) else {
            throw ServiceError.invalid([("pattern", "error_choose_one")])
        }
        let days = Set(weekdays.compactMap(Int.init))
        guard
            CoveragePlan.of(pattern, start: TimeOfDay(start), end: TimeOfDay(end), weekdays: days) != nil
        else { throw ServiceError.invalid([("start_time", "error_coverage_custom")]) }
        let record = try await plan(of: engagementID) ?? CoveragePlanRecord()
        record.organizationID = actor.organizationID
        record.engagementID = engagement.id!
        record.pattern = pattern.rawValue
        record.startTime = pattern == .custom ? start : ""
        record.endTime = pattern == .custom ? end : ""
        record.weekdays = pattern == .custom ? "," + days.sorted().map(String.init).joined(separator: ",") + "," : ""
        record.updatedAt = now
        try await record.save(on: req.db)
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
        let theirs = try await CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$companionID == companion).filter(\.$startsAt < end).filter(\.$endsAt > start).count()
        if theirs > 0 { throw ServiceError.invalid([("companion", "error_shift_double_booked")]) }
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
        try await shift.create(on: req.db)
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
        _ = try await engagement(engagementID, .viewAppointments)
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
}
