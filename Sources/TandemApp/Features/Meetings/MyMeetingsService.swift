import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// "My meetings": anyone keeps a list of meetings for themself (private to them), and a
/// participant notes the days they went, which their check-in offers as a support that day.
/// A meeting is kept by its source and slug, so the list survives a feed's next import.
/// Going to a meeting is personal: noting it is audited for the person.
struct MyMeetingsService {
    let req: Request
    let actor: Actor

    struct Kept: Sendable {
        /// The kept row itself, to forget it whether or not its meeting is still listed.
        let savedID: UUID
        /// The meeting as listed now, or nil when its feed no longer lists it.
        let meetingID: UUID?
        let name: String
        let days: [Int]
        let start: TimeOfDay?
        let end: TimeOfDay?
        let attendance: Meeting.Attendance?
    }

    private func locate(_ meetingID: UUID) async throws -> (sourceID: UUID, slug: String, name: String, online: Bool) {
        guard let sql = req.db as? any SQLDatabase,
            let row = try await sql.raw(
                """
                SELECT source_id, slug, name, attendance FROM meetings \
                WHERE organization_id = \(bind: actor.organizationID) AND id = \(bind: meetingID)
                """
            ).first()
        else { throw ServiceError.notFound }
        return (
            try row.uuid("source_id"), try row.decode(column: "slug", as: String.self),
            try row.decode(column: "name", as: String.self),
            try row.decode(column: "attendance", as: String.self) == Meeting.Attendance.online.rawValue
        )
    }

    func keep(_ meetingID: UUID) async throws {
        let found = try await locate(meetingID)
        guard let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            INSERT INTO saved_meetings (id, organization_id, user_id, source_id, slug, name, created_at) \
            VALUES (\(bind: UUID()), \(bind: actor.organizationID), \(bind: actor.userID), \(bind: found.sourceID), \
            \(bind: found.slug), \(bind: found.name), \(bind: Date())) \
            ON CONFLICT (user_id, source_id, slug) DO NOTHING
            """
        ).run()
    }

    func forget(_ meetingID: UUID) async throws {
        let found = try await locate(meetingID)
        guard let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            DELETE FROM saved_meetings WHERE user_id = \(bind: actor.userID) \
            AND source_id = \(bind: found.sourceID) AND slug = \(bind: found.slug)
            """
        ).run()
    }

    /// Forgets one kept row of the person's own list (a meeting no longer listed too).
    func forgetKept(_ savedID: UUID) async throws {
        guard let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            DELETE FROM saved_meetings WHERE id = \(bind: savedID) AND user_id = \(bind: actor.userID) \
            AND organization_id = \(bind: actor.organizationID)
            """
        ).run()
    }

    func isKept(_ meetingID: UUID) async throws -> Bool {
        let found = try await locate(meetingID)
        guard let sql = req.db as? any SQLDatabase else { return false }
        return try await sql.raw(
            """
            SELECT 1 AS kept FROM saved_meetings WHERE user_id = \(bind: actor.userID) \
            AND source_id = \(bind: found.sourceID) AND slug = \(bind: found.slug)
            """
        ).first() != nil
    }

    /// The person's kept meetings, in the order they come in the week.
    func kept() async throws -> [Kept] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        let rows = try await sql.raw(
            """
            SELECT s.id AS saved_id, s.name AS kept_name, m.id, m.name, m.day_mask, m.start_minute, m.end_minute, m.attendance \
            FROM saved_meetings s LEFT JOIN meetings m ON m.source_id = s.source_id AND m.slug = s.slug \
            WHERE s.user_id = \(bind: actor.userID) AND s.organization_id = \(bind: actor.organizationID) \
            ORDER BY s.created_at LIMIT 500
            """
        ).all()
        return try rows.map { row in
            let id = try row.optional("id", as: UUID.self)
            let mask = try row.optional("day_mask", as: Int.self) ?? 0
            return Kept(
                savedID: try row.uuid("saved_id"), meetingID: id,
                name: try row.optional("name", as: String.self)
                    ?? row.decode(column: "kept_name", as: String.self),
                days: (0...6).filter { mask & (1 << $0) != 0 },
                start: try row.optional("start_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
                end: try row.optional("end_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
                attendance: try row.optional("attendance", as: String.self).flatMap(
                    Meeting.Attendance.init(rawValue:)))
        }.sorted { ($0.days.first ?? 9, $0.start?.minutes ?? 0) < ($1.days.first ?? 9, $1.start?.minutes ?? 0) }
    }

    /// Notes that the signed-in participant went to the meeting today (their own calendar
    /// day); noting it twice the same day changes nothing.
    func attended(_ meetingID: UUID, now: Date = Date()) async throws {
        let checkIns = CheckInService(req, actor: actor)
        guard let participant = try await checkIns.ownRecord() else { throw ServiceError.denied }
        let found = try await locate(meetingID)
        let day = checkIns.today(for: participant, now: now)
        guard let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            INSERT INTO meeting_attendance (id, organization_id, participant_id, source_id, slug, name, online, \
            local_date, created_at) VALUES (\(bind: UUID()), \(bind: actor.organizationID), \(bind: participant.id!), \
            \(bind: found.sourceID), \(bind: found.slug), \(bind: found.name), \(bind: found.online), \
            \(bind: day.description), \(bind: now)) \
            ON CONFLICT (participant_id, source_id, slug, local_date) DO NOTHING
            """
        ).run()
        try await req.audit(
            "meeting.attended", actor: actor.userID, organization: actor.organizationID, subjectType: "participant",
            subject: participant.id, participant: participant.id)
    }

    /// The meetings a participant noted, newest first.
    func attendance(of participantID: UUID, limit: Int = 30) async throws -> [(day: String, name: String)] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        return try await sql.raw(
            """
            SELECT local_date, name FROM meeting_attendance WHERE organization_id = \(bind: actor.organizationID) \
            AND participant_id = \(bind: participantID) ORDER BY local_date DESC, created_at DESC LIMIT \(literal: limit)
            """
        ).all().map {
            (try $0.decode(column: "local_date", as: String.self), try $0.decode(column: "name", as: String.self))
        }
    }

    /// The check-in supports a participant's noted meetings that day stand for.
    static func supports(of participantID: UUID, organizationID: UUID, on day: CalendarDate, db: any Database)
        async throws -> [String]
    {
        guard let sql = db as? any SQLDatabase else { return [] }
        let rows = try await sql.raw(
            """
            SELECT DISTINCT online FROM meeting_attendance WHERE organization_id = \(bind: organizationID) \
            AND participant_id = \(bind: participantID) \
            AND local_date = \(bind: day.description)
            """
        ).all()
        return try rows.map {
            try $0.decode(column: "online", as: Bool.self)
                ? CheckInSupport.onlineMeeting.rawValue : CheckInSupport.mutualHelpMeeting.rawValue
        }.sorted()
    }
}
