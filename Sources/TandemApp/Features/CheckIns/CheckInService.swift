import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Check-ins: the participant sends today's (or changes it the same day), their coaches and
/// the organization's supervisors read the history and follow up a request to reach out,
/// and the history downloads as CSV. Every operation checks `ParticipantAccess` through
/// `ParticipantService.authorized` and is audited here.
struct CheckInService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    /// The calendar day it is for the participant now.
    func today(for participant: Participant, now: Date = Date()) -> CalendarDate {
        CheckInDay.of(now, participantZone: participant.timeZone, organizationZone: actor.organization.timeZone)
    }

    /// The signed-in participant's own record, or nil when the account has none here.
    func ownRecord() async throws -> Participant? {
        guard actor.role.hasOwnRecord else { return nil }
        return try await scope.participants().filter(\.$user.$id == actor.userID).first()
    }

    /// Today's check-in of the participant, if sent, for changing it. Audited as a view.
    func todays(_ participantID: UUID, now: Date = Date()) async throws -> (Participant, CheckIn?) {
        let (participant, _) = try await people.authorized(participantID, .checkIn)
        let found = try await store.on(
            today(for: participant, now: now), of: participantID)
        if found != nil {
            try await people.audit(
                "checkin.view", participant: participantID, subjectType: "check_in", subject: found?.id)
        }
        return (participant, found)
    }

    /// Keeps the answers as the participant's check-in for their local today: a new one, or
    /// today's changed. Refused with field problems when invalid; nothing is stored then.
    func submit(_ participantID: UUID, _ answers: CheckInAnswers, now: Date = Date()) async throws -> CheckIn {
        let (participant, _) = try await people.authorized(participantID, .checkIn)
        let problems = answers.problems()
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let answers = answers.normalized()
        let day = today(for: participant, now: now)
        let checkIn: CheckIn
        do {
            checkIn = try await save(answers, participantID: participantID, day: day)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another request made today's check-in between our look and our insert
            // (a phone retrying): change that one instead.
            checkIn = try await save(answers, participantID: participantID, day: day)
        }
        let phrases = CrisisPhrases.matches(in: answers.wentWell)
        if !phrases.isEmpty {
            try await SafetyService(req: req, people: people).raise(
                participant, source: .checkIn, key: SafetyService.checkInKey(checkIn.id!, phrases: phrases), now: now)
        }
        return checkIn
    }

    private func save(_ answers: CheckInAnswers, participantID: UUID, day: CalendarDate) async throws -> CheckIn {
        // The write and its audit entry are stored together.
        if let existing = try await store.on(day, of: participantID) {
            let before = existing.reachOut
            existing.apply(answers)
            try await store.update(
                existing, reachOutChanged: existing.reachOut != before, audited: entry("checkin.update", existing))
            return existing
        }
        let checkIn = CheckIn(organizationID: actor.organizationID, participantID: participantID, day: day)
        checkIn.apply(answers)
        checkIn.id = UUID()
        try await store.insert(checkIn, audited: entry("checkin.create", checkIn))
        return checkIn
    }

    private func entry(_ action: String, _ checkIn: CheckIn) -> AuditLog.Entry {
        people.auditEntry(action, participant: checkIn.$participant.id, subjectType: "check_in", subject: checkIn.id)
    }

    /// One page of a participant's check-ins, newest first, with the streak. Audited.
    struct History: Sendable {
        let participant: Participant
        let relation: ParticipantRelation
        let checkIns: [CheckIn]
        let hasMore: Bool
        /// Days checked in in a row up to today (or yesterday, before today's check-in).
        let streak: Int
        /// Days checked in among the last 30.
        let last30: Int
        let today: CalendarDate
    }

    static let pageSize = 30

    func history(_ participantID: UUID, page: Int, now: Date = Date()) async throws -> History {
        let (participant, relation) = try await people.authorized(participantID, .view)
        let offset = (page - 1) * Self.pageSize
        let rows = try await checkIns(of: participantID).sort(\.$localDate, .descending).range(
            offset..<(offset + Self.pageSize + 1)
        ).all()
        let today = today(for: participant, now: now)
        let (streak, last30, _) = try await streak(of: participantID, today: today)
        try await people.audit("checkin.list", participant: participantID)
        return History(
            participant: participant, relation: relation, checkIns: Array(rows.prefix(Self.pageSize)),
            hasMore: rows.count > Self.pageSize, streak: streak, last30: last30, today: today)
    }

    /// The streak, the days checked in of the last 30 and the last day checked in, from the
    /// dates alone. Reads backwards only as far as the streak goes (a year at most per round).
    func streak(of participantID: UUID, today: CalendarDate) async throws -> (
        streak: Int, last30: Int, latest: CalendarDate?
    ) {
        var days: [CalendarDate] = []
        var before = today.adding(days: 1)?.description ?? "9999-12-31"
        while true {
            let batch = try await store.days(before: before, of: participantID, limit: 366)
            days += batch
            let streak = CheckInStreak.current(days: days, today: today)
            guard batch.count == 366, streak == days.count, let last = batch.last else {
                return (streak, CheckInStreak.daysCheckedIn(days: days, today: today, window: 30), days.first)
            }
            before = last.description
        }
    }

    /// One check-in of the participant, for anyone who may see their record. Audited.
    func checkIn(_ participantID: UUID, _ checkInID: UUID) async throws -> CheckIn {
        _ = try await people.authorized(participantID, .view)
        guard let found = try await checkIns(of: participantID).filter(\.$id == checkInID).first() else {
            throw ServiceError.notFound
        }
        try await people.audit("checkin.view", participant: participantID, subjectType: "check_in", subject: checkInID)
        return found
    }

    /// Marks a request to reach out as followed up by the actor. Audited.
    func followUp(_ participantID: UUID, checkIn checkInID: UUID, now: Date = Date()) async throws {
        _ = try await people.authorized(participantID, .followUp)
        guard let checkIn = try await checkIns(of: participantID).filter(\.$id == checkInID).first() else {
            throw ServiceError.notFound
        }
        guard checkIn.reachOut == .open else { throw ServiceError.conflict("error_checkin_not_open") }
        checkIn.reachOut = .followedUp
        checkIn.followedUpAt = now
        checkIn.followedUpBy = actor.userID
        try await checkIn.save(on: req.db)
        try await people.audit(
            "checkin.follow_up", participant: participantID, subjectType: "check_in", subject: checkInID)
    }

    /// Every check-in of the participant as CSV (RFC 4180), oldest first. Audited as an export.
    func csv(_ participantID: UUID) async throws -> String {
        _ = try await people.authorized(participantID, .export)
        let rows = try await checkIns(of: participantID).sort(\.$localDate, .ascending).all()
        var out = CSVWriter()
        out.row([
            "date", "mood", "craving", "any_use", "supports", "went_well", "asked_coach_to_reach_out", "followed_up_at",
        ])
        let stamp = ISO8601DateFormatter()
        for row in rows {
            out.row([
                row.localDate, String(row.mood), String(row.craving), row.substanceUse,
                row.supports.replacingOccurrences(of: ",", with: ";"), row.wentWell,
                row.reachOut == .none ? "no" : "yes", row.followedUpAt.map { stamp.string(from: $0) } ?? "",
            ])
        }
        try await people.audit("checkin.export", participant: participantID)
        return out.text
    }

    var store: CheckInStore {
        CheckInStore(db: req.db, writer: req.frequentWrites, organizationID: actor.organizationID)
    }

    private func checkIns(of participantID: UUID) -> QueryBuilder<CheckIn> {
        scope.checkIns().filter(\.$participant.$id == participantID)
    }
}

extension TenantScope {
    func checkIns() -> QueryBuilder<CheckIn> {
        CheckIn.query(on: db).filter(\.$organizationID == organizationID)
    }
}
