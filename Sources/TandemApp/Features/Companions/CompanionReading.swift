import Fluent
import Foundation
import TandemKit
import Vapor

/// Reading companion shifts: a companion's own shifts ahead, one shift with its log and the
/// hand-over note left before it, and the timesheet. A companion sees the shifts they are
/// on; whoever may see the person's appointments sees them all. Audited for the person.
extension CompanionService {
    struct ShiftRow: Sendable {
        let shift: CompanionShift
        let participantName: String
        let companionName: String
    }

    /// Shifts still ahead or going on: a companion's own; all of the organization's for
    /// supervisors and admins. Soonest first.
    func upcoming(now: Date = Date()) async throws -> [ShiftRow] {
        guard actor.role.isStaff else { throw ServiceError.denied }
        var query = CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$endsAt > now)
        if ParticipantAccess.reach(of: actor.role) != .organization {
            query = query.filter(\.$companionID == actor.userID)
        }
        let shifts = try await query.sort(\.$startsAt).limit(200).all()
        let persons = Dictionary(
            try await scope.participants().filter(\.$id ~~ Set(shifts.map(\.participantID))).all()
                .map { ($0.id!, $0.preferredName) }, uniquingKeysWith: { first, _ in first })
        let names = try await CompanionWeeks.names(Set(shifts.map(\.companionID)), on: req.db)
        // Each person named in the list finds it in their access history.
        try await req.audit(
            "shift.upcoming", participants: Set(shifts.map(\.participantID)), actor: actor.userID,
            organization: actor.organizationID)
        return shifts.map {
            ShiftRow(
                shift: $0, participantName: persons[$0.participantID] ?? "", companionName: names[$0.companionID] ?? "")
        }
    }

    struct ShiftDetail: Sendable {
        let shift: CompanionShift
        let participant: Participant
        let companionName: String
        /// The companion on this shift: they keep its log and hand over.
        let isCompanion: Bool
        let log: [ShiftLogRecord]
        /// The hand-over left by the shift before, and who left it.
        let previous: CompanionShift?
        let previousCompanion: String
    }

    /// One shift with its log and the hand-over before it; "not found" to anyone who may not
    /// read it.
    func detail(_ id: UUID) async throws -> ShiftDetail {
        let (shift, isCompanion) = try await shift(id)
        guard let participant = try await scope.participant(shift.participantID) else { throw ServiceError.notFound }
        let log = try await ShiftLogRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$shiftID == id).sort(\.$createdAt).all()
        let previous = try await previousHandOver(shift)
        let names = try await CompanionWeeks.names(
            Set([shift.companionID] + (previous.map { [$0.companionID] } ?? [])), on: req.db)
        try await people.audit(
            "shift.view", participant: shift.participantID, subjectType: "companion_shift", subject: shift.id)
        return ShiftDetail(
            shift: shift, participant: participant, companionName: names[shift.companionID] ?? "",
            isCompanion: isCompanion, log: log, previous: previous,
            previousCompanion: previous.flatMap { names[$0.companionID] } ?? "")
    }

    /// A week of an engagement's shifts, for the person and whoever may see their appointments.
    func week(_ engagementID: UUID, _ week: ShiftWeek) async throws -> (
        Engagement, Participant, CompanionWeeks.Week
    ) {
        let (engagement, participant) = try await engagement(engagementID, .viewAppointments)
        let found = try await CompanionWeeks.read(
            engagementIDs: [engagementID], organizationID: actor.organizationID, zone: timeZone, weeks: [week],
            on: req.db)
        guard let summary = found.first else { throw ServiceError.notFound }
        try await people.audit(
            "shift.week", participant: participant.id, subjectType: "engagement", subject: engagement.id)
        return (engagement, participant, summary)
    }

    /// The timesheet of the shifts that start in `period` and are over: a companion's own, with
    /// their hours; everyone's for those who bill (supervisors and admins), with the rate and
    /// amounts. Hours not yet worked are not on it, so a period still running pays nothing
    /// ahead; a shift shows once it has ended. It names people, so each one finds the export
    /// in their access history.
    func timesheet(_ period: BillingPeriod, now: Date = Date()) async throws -> String {
        guard actor.role.isStaff else { throw ServiceError.denied }
        let midnight = TimeOfDay(minutes: 0)!
        guard let start = AppointmentDraft.instant(period.from, midnight, in: timeZone),
            let endDay = period.to.adding(days: 1), let end = AppointmentDraft.instant(endDay, midnight, in: timeZone)
        else { throw ServiceError.invalid([("from", "error_date_invalid")]) }
        let billing = AccessPolicy.can(actor.role, .exportBilling)
        var query = CompanionShift.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$startsAt >= start).filter(\.$startsAt < end).filter(\.$endsAt <= now)
        if !billing { query = query.filter(\.$companionID == actor.userID) }
        let shifts = try await query.sort(\.$startsAt).all()
        let people = try await scope.participants().filter(\.$id ~~ Set(shifts.map(\.participantID))).all()
        let byID = Dictionary(people.map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        let names = try await CompanionWeeks.names(Set(shifts.map(\.companionID)), on: req.db)
        // Each shift at the rate in force when it began, not today's.
        let plans = try await CoveragePlanVersion.histories(
            of: Array(Set(shifts.map(\.engagementID))), organizationID: actor.organizationID, on: req.db)
        let rows = shifts.compactMap { shift -> CompanionTimesheet.Row? in
            guard let person = byID[shift.participantID] else { return nil }
            return CompanionTimesheet.Row(
                companion: names[shift.companionID] ?? "", participantID: person.id!.uuidString,
                participant: person.legalName.isEmpty ? person.preferredName : person.legalName,
                start: shift.startsAt, end: shift.endsAt, handedOver: shift.handedOverAt != nil,
                hourlyRateCents: plans[shift.engagementID]?.inForce(at: shift.startsAt)?.hourlyRateCents ?? 0)
        }
        .sorted { ($0.companion, $0.start) < ($1.companion, $1.start) }
        try await req.audit(
            "participant.timesheet_export", participants: people.compactMap(\.id), actor: actor.userID,
            organization: actor.organizationID)
        try await req.audit(
            "companion.timesheet", actor: actor.userID, organization: actor.organizationID,
            subjectType: "organization", subject: actor.organizationID)
        return CompanionTimesheet.csv(rows, zone: timeZone, withAmounts: billing)
    }
}
