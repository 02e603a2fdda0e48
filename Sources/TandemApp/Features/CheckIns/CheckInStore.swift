import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The reads and writes of sending a check-in, as plain SQL. Sending is the most frequent
/// write there is (every participant, every day), and Fluent's model queries find a model's
/// properties by reflection at every call, which cost more than the statements themselves.
struct CheckInStore {
    let db: any Database
    /// `Request.frequentWrites`: a check-in's write goes into the next group commit.
    let writer: FrequentWrites
    let organizationID: UUID

    /// The participant's check-in for `day`, if sent.
    func on(_ day: CalendarDate, of participantID: UUID) async throws -> CheckIn? {
        let sql = try Self.sql(db)
        guard
            let row = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.selection) FROM check_ins c WHERE c.organization_id = \(bind: organizationID) \
                AND c.participant_id = \(bind: participantID) AND c.local_date = \(bind: day.description)
                """
            ).first()
        else { return nil }
        return try CheckIn.load(from: row, prefix: "c_")
    }

    /// The participant's check-ins from `day` on, oldest first (a chart's period).
    func since(_ day: CalendarDate, of participantID: UUID) async throws -> [CheckIn] {
        let rows = try await Self.sql(db).raw(
            """
            SELECT \(unsafeRaw: Self.selection) FROM check_ins c WHERE c.organization_id = \(bind: organizationID) \
            AND c.participant_id = \(bind: participantID) AND c.local_date >= \(bind: day.description) \
            ORDER BY c.local_date
            """
        ).all()
        return try rows.map { try CheckIn.load(from: $0, prefix: "c_") }
    }

    /// Up to `limit` days the participant checked in before `day`, newest first.
    func days(before day: String, of participantID: UUID, limit: Int) async throws -> [CalendarDate] {
        let rows = try await Self.sql(db).raw(
            """
            SELECT local_date FROM check_ins WHERE organization_id = \(bind: organizationID) \
            AND participant_id = \(bind: participantID) AND local_date < \(bind: day) \
            ORDER BY local_date DESC LIMIT \(unsafeRaw: String(limit))
            """
        ).all()
        return try rows.compactMap { CalendarDate(try $0.decode(column: "local_date", as: String.self)) }
    }

    /// Stores a new check-in (with `entry`, its audit entry), giving it its times, and its id
    /// unless it has one.
    func insert(_ checkIn: CheckIn, audited entry: AuditLog.Entry? = nil, now: Date = Date()) async throws {
        let id = checkIn.id ?? UUID()
        let query: SQLQueryString =
            """
            INSERT INTO check_ins (id, organization_id, participant_id, local_date, mood, craving, substance_use, \
            supports, went_well, reach_out, followed_up_at, followed_up_by, created_at, updated_at) VALUES (\
            \(bind: id), \(bind: checkIn.organizationID), \(bind: checkIn.$participant.id), \(bind: checkIn.localDate), \
            \(bind: checkIn.mood), \(bind: checkIn.craving), \(bind: checkIn.substanceUse), \(bind: checkIn.supports), \
            \(bind: checkIn.wentWell), \(bind: checkIn.reachOut.rawValue), \(bind: checkIn.followedUpAt), \
            \(bind: checkIn.followedUpBy), \(bind: now), \(bind: now))
            """
        try await writer.run({ try await Self.sql($0).raw(query).run() }, audited: entry)
        checkIn.id = id
        checkIn.createdAt = now
        checkIn.updatedAt = now
    }

    /// Writes the answers of a check-in read by `on(_:of:)`, and its reach-out state only
    /// when the answers changed it: a coach's follow-up made meanwhile is not undone.
    func update(
        _ checkIn: CheckIn, reachOutChanged: Bool, audited entry: AuditLog.Entry? = nil, now: Date = Date()
    ) async throws {
        var query: SQLQueryString = """
            UPDATE check_ins SET mood = \(bind: checkIn.mood), craving = \(bind: checkIn.craving), \
            substance_use = \(bind: checkIn.substanceUse), supports = \(bind: checkIn.supports), \
            went_well = \(bind: checkIn.wentWell), updated_at = \(bind: now)
            """
        if reachOutChanged {
            query.appendInterpolation(unsafeRaw: ", reach_out = ")
            query.appendInterpolation(bind: checkIn.reachOut.rawValue)
            query.appendInterpolation(unsafeRaw: ", followed_up_at = ")
            query.appendInterpolation(bind: checkIn.followedUpAt)
            query.appendInterpolation(unsafeRaw: ", followed_up_by = ")
            query.appendInterpolation(bind: checkIn.followedUpBy)
        }
        query.appendInterpolation(unsafeRaw: " WHERE id = ")
        query.appendInterpolation(bind: checkIn.id)
        query.appendInterpolation(unsafeRaw: " AND organization_id = ")
        query.appendInterpolation(bind: organizationID)
        let statement = query
        try await writer.run({ try await Self.sql($0).raw(statement).run() }, audited: entry)
        checkIn.updatedAt = now
    }

    private static let selection = CheckIn.columns(as: "c").joined(separator: ", ")

    private static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError, reason: "SQL database needed") }
        return sql
    }
}
