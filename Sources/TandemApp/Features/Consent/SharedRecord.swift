import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// What one category of a person's record shows when it is disclosed, and in the person's
/// own data download. Only the categories asked for are read; the rest stay nil, so a view
/// can never show more than the consent allows.
struct SharedRecord: Encodable, Sendable {
    struct MilestoneSection: Encodable, Sendable {
        let recoveryStartDate: String
        let dayCount: Int?
        let reached: [Reached]
        let next: String?
    }

    struct Reached: Encodable, Sendable {
        let name: String
        let date: String
    }

    struct CheckInRow: Encodable, Sendable {
        let date: String
        let mood: Int
        let moodText: String
        let craving: Int
        let substanceUse: String
        let supports: [String]
        let wentWell: String
        /// The use answer and the supports in the reader's language, for pages.
        let useText: String
        let supportsText: String
    }

    struct ScoreRow: Encodable, Sendable {
        let date: String
        let total: Int
        let withCoach: Bool
    }

    struct AttendanceRow: Encodable, Sendable {
        let date: String
        let meeting: String
        let online: Bool
    }

    struct PlanSection: Encodable, Sendable {
        let version: Int
        let date: String
        let values: String
        let goals: [GoalRow]
    }

    struct GoalRow: Encodable, Sendable {
        let domain: String
        let text: String
        let done: Bool
    }

    struct NoteRow: Encodable, Sendable {
        let date: String
        let mode: String
        let minutes: Int?
        /// A group session: its words are about the others too and stay out.
        let group: Bool
        let goals: String
        let done: String
        let nextSteps: String
    }

    struct ContactRow: Encodable, Sendable {
        let what: String
        let due: String
        let timing: String
        let timingKey: String
        let made: String
    }

    var categories: [String] = []
    var milestones: MilestoneSection?
    var checkIns: [CheckInRow]?
    var recoveryCapital: [ScoreRow]?
    var meetingAttendance: [AttendanceRow]?
    var plan: PlanSection?
    var sessionSummaries: [NoteRow]?
    struct TripRow: Encodable, Sendable {
        let pickup: String
        let purpose: String
        let from: String
        let to: String
        let status: String
        let log: [String]
    }

    /// The escort trips with their logs (checkpoints and incidents).
    var tripAndShiftLogs: [TripRow]?
    /// With them, the weekly summaries of sober companion shifts.
    var shiftWeeks: [CompanionWeeks.WeekRow]?
    /// The contacts planned after a hand-off from a treatment center, and whether each
    /// happened on time.
    var handoffStatus: [ContactRow]?
    /// Pages need a few flags to lay the sections out; documents for download leave them out.
    var pageHints = true

    var hasMilestones: Bool { milestones != nil }
    var hasPlan: Bool { plan != nil }

    enum CodingKeys: String, CodingKey {
        case categories, milestones, checkIns, recoveryCapital, meetingAttendance, plan, sessionSummaries,
            tripAndShiftLogs, shiftWeeks, handoffStatus, hasMilestones, hasPlan, shows
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(categories, forKey: .categories)
        try c.encodeIfPresent(milestones, forKey: .milestones)
        try c.encodeIfPresent(checkIns, forKey: .checkIns)
        try c.encodeIfPresent(recoveryCapital, forKey: .recoveryCapital)
        try c.encodeIfPresent(meetingAttendance, forKey: .meetingAttendance)
        try c.encodeIfPresent(plan, forKey: .plan)
        try c.encodeIfPresent(sessionSummaries, forKey: .sessionSummaries)
        try c.encodeIfPresent(tripAndShiftLogs, forKey: .tripAndShiftLogs)
        try c.encodeIfPresent(shiftWeeks, forKey: .shiftWeeks)
        try c.encodeIfPresent(handoffStatus, forKey: .handoffStatus)
        guard pageHints else { return }
        try c.encode(hasMilestones, forKey: .hasMilestones)
        try c.encode(hasPlan, forKey: .hasPlan)
        // Which sections a page shows, by category code: a consented category shows even
        // when nothing is recorded in it yet.
        try c.encode(Dictionary(uniqueKeysWithValues: categories.map { ($0, true) }), forKey: .shows)
    }

    /// Reads `categories` of the participant's record, scoped to their organization.
    /// `limit` bounds the lists a view shows; the download passes nil for everything.
    static func read(
        _ categories: [ConsentCategory], of participant: Participant, organizationZone: String, req: Request,
        limit: Int? = 60
    ) async throws -> SharedRecord {
        var record = SharedRecord()
        record.categories = categories.map(\.rawValue)
        let id = participant.id!
        let organizationID = participant.$organization.id
        // The person's own day (their zone, else the organization's), as on their home page.
        let zone = CheckInDay.zone(participant.timeZone, organization: organizationZone)
        let today = CalendarDate(Date(), in: zone)
        for category in categories {
            switch category {
            case .milestones:
                let start = CalendarDate(participant.recoveryStartDate)
                var reached: [Reached] = []
                var next: String?
                if let start, start <= today {
                    reached = Milestones.all(start: start, through: today).reversed().map {
                        Reached(name: RecoveryProgress.name($0, req: req), date: $0.date.description)
                    }
                    next = Milestones.next(start: start, today: today).map {
                        req.t(
                            "milestone_next",
                            ["milestone": RecoveryProgress.name($0, req: req), "date": $0.date.written(req.messages)])
                    }
                }
                record.milestones = MilestoneSection(
                    recoveryStartDate: participant.recoveryStartDate,
                    dayCount: start.flatMap { $0 <= today ? Milestones.dayCount(start: $0, today: today) : nil },
                    reached: reached, next: next)
            case .checkIns:
                var query = CheckIn.query(on: req.db).filter(\.$organizationID == organizationID)
                    .filter(\.$participant.$id == id).sort(\.$localDate, .descending)
                if let limit { query = query.limit(limit) }
                record.checkIns = try await query.all().map {
                    CheckInRow(
                        date: $0.localDate, mood: $0.mood, moodText: req.t("checkin_mood_\($0.mood)"),
                        craving: $0.craving, substanceUse: $0.substanceUse, supports: ValueList.split($0.supports),
                        wentWell: $0.wentWell,
                        useText: $0.substanceUse.isEmpty ? "" : req.t("checkin_use_" + $0.substanceUse),
                        supportsText: ValueList.split($0.supports).map { req.t("checkin_support_" + $0) }
                            .joined(separator: ", "))
                }
            case .recoveryCapital:
                record.recoveryCapital = try await RecoveryCapitalAssessment.query(on: req.db)
                    .filter(\.$organizationID == organizationID).filter(\.$participant.$id == id)
                    .filter(\.$status == .completed).sort(\.$completedOn, .descending).all()
                    .compactMap { row in
                        row.total.map { ScoreRow(date: row.completedOn, total: $0, withCoach: row.withCoach) }
                    }
            case .meetingAttendance:
                record.meetingAttendance = try await attendance(of: id, organizationID: organizationID, req: req)
            case .plan:
                record.plan = try await plan(of: id, organizationID: organizationID, req: req)
            case .sessionSummaries:
                record.sessionSummaries = try await notes(of: id, organizationID: organizationID, req: req)
            case .tripAndShiftLogs:
                record.tripAndShiftLogs = try await trips(of: id, organizationID: organizationID, zone: zone, req: req)
                record.shiftWeeks = try await shiftWeeks(
                    of: id, organizationID: organizationID, zone: zone, weeks: limit.map { _ in 12 }, req: req)
            case .handoffStatus:
                let contacts = try await HandoffContact.query(on: req.db).filter(\.$organizationID == organizationID)
                    .filter(\.$participantID == id).sort(\.$handoffID).sort(\.$sequence).all()
                record.handoffStatus = contacts.map { contactRow($0, today: today, zone: zone, req: req) }
            }
        }
        return record
    }

    private static func trips(of id: UUID, organizationID: UUID, zone: TimeZone, req: Request) async throws
        -> [TripRow]
    {
        let trips = try await Trip.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == id).sort(\.$pickupAt, .descending).all()
        guard !trips.isEmpty else { return [] }
        let entries = try await TripLogRecord.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$tripID ~~ trips.map { $0.id! }).sort(\.$createdAt).all()
        return trips.map { trip in
            TripRow(
                pickup: TripController.when(trip.pickupAt, zone: zone, req: req),
                purpose: req.t("trip_purpose_" + trip.purpose), from: trip.pickupPlace, to: trip.destination,
                status: req.t("trip_status_" + trip.status.rawValue),
                log: entries.filter { $0.tripID == trip.id }.map { entry in
                    let row = TripController.logRow(entry, zone: zone, req: req)
                    return ([row.at, row.kind, row.place, row.handedTo, row.severity, row.note].filter { !$0.isEmpty })
                        .joined(separator: " · ")
                })
        }
    }

    /// The weeks with companion shifts, latest first; `weeks` bounds how many.
    private static func shiftWeeks(
        of id: UUID, organizationID: UUID, zone: TimeZone, weeks: Int?, req: Request
    ) async throws -> [CompanionWeeks.WeekRow] {
        let engagements = try await Engagement.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$participant.$id == id).filter(\.$serviceType == .soberCompanion).all(\.$id)
        guard !engagements.isEmpty else { return [] }
        // Shifts are planned on the organization's clock; its weeks are the ones to show.
        let clock =
            try await Organization.find(organizationID, on: req.db).flatMap { TimeZone(identifier: $0.timeZone) }
            ?? zone
        return try await CompanionWeeks.read(
            engagementIDs: engagements, organizationID: organizationID, zone: clock, limit: weeks, on: req.db
        ).map { CompanionWeeks.row($0, zone: clock, req: req) }
    }

    /// One planned hand-off contact as a person, a coach or a consented liaison reads it.
    static func contactRow(_ contact: HandoffContact, today: CalendarDate, zone: TimeZone, req: Request) -> ContactRow {
        let timing = contact.timing(today: today, in: zone)
        return ContactRow(
            what: contact.kind == AftercarePlan.Kind.introduction.rawValue
                ? req.t("handoff_contact_introduction")
                : req.t("handoff_contact_aftercare", ["n": "\(contact.sequence)"]),
            due: CalendarDate(contact.dueOn)?.written(req.messages) ?? contact.dueOn,
            timing: req.t("handoff_timing_" + timing.rawValue), timingKey: timing.rawValue,
            made: contact.completedAt.map { CalendarDate($0, in: zone).written(req.messages) } ?? "")
    }

    private static func attendance(of id: UUID, organizationID: UUID, req: Request) async throws -> [AttendanceRow] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        return try await sql.raw(
            """
            SELECT local_date, name, online FROM meeting_attendance WHERE organization_id = \(bind: organizationID) \
            AND participant_id = \(bind: id) ORDER BY local_date DESC, name
            """
        ).all().map {
            AttendanceRow(
                date: try $0.decode(column: "local_date", as: String.self),
                meeting: try $0.decode(column: "name", as: String.self),
                online: try $0.decode(column: "online", as: Bool.self))
        }
    }

    private static func plan(of id: UUID, organizationID: UUID, req: Request) async throws -> PlanSection? {
        guard
            let version = try await RecoveryPlanVersion.query(on: req.db).filter(\.$organizationID == organizationID)
                .filter(\.$participant.$id == id).sort(\.$number, .descending).first(),
            let document = try? JSONDecoder().decode(PlanDocument.self, from: Data(version.content.utf8))
        else { return nil }
        return PlanSection(
            version: version.number, date: version.createdAt.map { CalendarDate($0, in: .gmt).description } ?? "",
            values: document.values,
            goals: document.domains.flatMap { section in
                section.goals.map { GoalRow(domain: req.t("domain_" + section.domain), text: $0.text, done: $0.isDone) }
            })
    }

    /// Signed notes only: a draft is not yet a record of the session. A group session's note
    /// is about the others too, so only its date, kind and length go out.
    private static func notes(of id: UUID, organizationID: UUID, req: Request) async throws -> [NoteRow] {
        let noteIDs = try await SessionNoteParticipant.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == id).all(\.$note.$id)
        guard !noteIDs.isEmpty else { return [] }
        let group = try await groupNotes(noteIDs, besides: id, organizationID: organizationID, on: req.db)
        return try await SessionNote.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$id ~~ noteIDs).filter(\.$status == .signed).sort(\.$localDate, .descending).all().map {
                let alone = !group.contains($0.id!)
                return NoteRow(
                    date: $0.localDate, mode: $0.mode.isEmpty ? "" : req.t("contact_mode_" + $0.mode),
                    minutes: $0.minutes, group: !alone, goals: alone ? $0.goals : "", done: alone ? $0.done : "",
                    nextSteps: alone ? $0.nextSteps : "")
            }
    }

    /// Which of `noteIDs` are about someone else as well as the person.
    static func groupNotes(_ noteIDs: [UUID], besides id: UUID, organizationID: UUID, on db: any Database)
        async throws -> Set<UUID>
    {
        Set(
            try await SessionNoteParticipant.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$note.$id ~~ noteIDs).filter(\.$participantID != id).all(\.$note.$id))
    }
}
