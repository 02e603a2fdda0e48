import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Finding the organization's imported meetings: by day, part of the day or "now and next"
/// (in the organization's time zone), how one attends, a type code, words, and distance from
/// a point. Everyone in the organization may look; meetings are public information, so a
/// search is not audited.
struct MeetingFinder {
    let req: Request
    let actor: Actor

    struct Filter: Sendable {
        var day: Int?
        var part: MeetingTimes.PartOfDay?
        /// On now, or starting in the next two hours.
        var nowAndNext = false
        var attendance: Meeting.Attendance?
        var type: String?
        var words = ""
        var near: (latitude: Double, longitude: Double)?
        var kilometres: Double = 25
    }

    struct Found: Sendable {
        let id: UUID
        let name: String
        let days: [Int]
        let start: TimeOfDay?
        let end: TimeOfDay?
        let attendance: Meeting.Attendance
        let types: [String]
        let location: String
        let address: String
        let latitude: Double?
        let longitude: Double?
        let conferenceURL: String
        let conferencePhone: String
        let notes: String
        let region: String
        let group: String
        let distance: Double?
        /// Minutes until it next starts (for "now and next"), 0 when it is on now.
        let startsIn: Int?
    }

    static let limit = 100
    static let columns =
        "id, name, day_mask, start_minute, end_minute, attendance, types, location, formatted_address, latitude, "
        + "longitude, conference_url, conference_phone, notes, region, group_name"

    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    func search(_ filter: Filter, now: Date = Date()) async throws -> [Found] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        var query = SQLQueryString("SELECT " + Self.columns + " FROM meetings WHERE organization_id = ")
        query.appendInterpolation(bind: actor.organizationID)
        if let attendance = filter.attendance {
            query.appendInterpolation(unsafeRaw: " AND attendance = ")
            query.appendInterpolation(bind: attendance.rawValue)
        } else {
            query.appendInterpolation(unsafeRaw: " AND attendance <> 'inactive'")
        }
        let local = MeetingTimes.local(now, in: timeZone)
        if let day = filter.nowAndNext ? nil : filter.day {
            query.appendInterpolation(unsafeRaw: " AND (day_mask & \(1 << day)) <> 0")
        }
        if let part = filter.part, !filter.nowAndNext {
            let (from, to) = Self.bounds(part)
            query.appendInterpolation(
                unsafeRaw: from < to
                    ? " AND start_minute >= \(from) AND start_minute < \(to)"
                    : " AND (start_minute >= \(from) OR start_minute < \(to))")
        }
        if let type = filter.type, !type.isEmpty {
            query.appendInterpolation(unsafeRaw: " AND types LIKE ")
            query.appendInterpolation(bind: "%," + Self.escapeLike(type) + ",%")
            query.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
        }
        for word in filter.words.lowercased().split(separator: " ").prefix(5) where !word.isEmpty {
            query.appendInterpolation(unsafeRaw: " AND search_text LIKE ")
            query.appendInterpolation(bind: "%" + Self.escapeLike(String(word)) + "%")
            query.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
        }
        if let near = filter.near {
            // A box around the point first (an index-free but cheap test), the exact distance after.
            let latitudeSpan = filter.kilometres / 111.0
            let longitudeSpan = filter.kilometres / max(1, 111.0 * cos(near.latitude * .pi / 180))
            query.appendInterpolation(unsafeRaw: " AND latitude BETWEEN ")
            query.appendInterpolation(bind: near.latitude - latitudeSpan)
            query.appendInterpolation(unsafeRaw: " AND ")
            query.appendInterpolation(bind: near.latitude + latitudeSpan)
            query.appendInterpolation(unsafeRaw: " AND longitude BETWEEN ")
            query.appendInterpolation(bind: near.longitude - longitudeSpan)
            query.appendInterpolation(unsafeRaw: " AND ")
            query.appendInterpolation(bind: near.longitude + longitudeSpan)
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY start_minute, name LIMIT 2000")
        var found = try await sql.raw(query).all().map { try Self.found($0, near: filter.near, local: local) }
        if filter.near != nil { found = found.filter { ($0.distance ?? .infinity) <= filter.kilometres } }
        if filter.nowAndNext {
            found = found.filter { ($0.startsIn ?? .max) <= 120 || isOn($0, local) }
                .sorted { (isOn($0, local) ? -1 : $0.startsIn ?? .max) < (isOn($1, local) ? -1 : $1.startsIn ?? .max) }
        } else if filter.near != nil {
            found.sort { ($0.distance ?? .infinity, $0.name) < ($1.distance ?? .infinity, $1.name) }
        }
        return Array(found.prefix(Self.limit))
    }

    func meeting(_ id: UUID) async throws -> Found {
        guard let sql = req.db as? any SQLDatabase,
            let row = try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM meetings WHERE organization_id = \(bind: actor.organizationID) AND id = \(bind: id)"
            ).first()
        else { throw ServiceError.notFound }
        return try Self.found(row, near: nil, local: MeetingTimes.local(Date(), in: timeZone))
    }

    func isOn(_ meeting: Found, _ local: (day: Int, time: TimeOfDay)) -> Bool {
        guard let start = meeting.start else { return false }
        let end = meeting.end ?? TimeOfDay(minutes: (start.minutes + 60) % 1440)!
        return MeetingTimes.isOn(days: meeting.days, start: start, end: end, day: local.day, time: local.time)
    }

    static func bounds(_ part: MeetingTimes.PartOfDay) -> (Int, Int) {
        switch part {
        case .morning: (4 * 60, 12 * 60)
        case .afternoon: (12 * 60, 17 * 60)
        case .evening: (17 * 60, 21 * 60)
        case .night: (21 * 60, 4 * 60)
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func found(
        _ row: any SQLRow, near: (latitude: Double, longitude: Double)?, local: (day: Int, time: TimeOfDay)
    )
        throws -> Found
    {
        let mask = try row.decode(column: "day_mask", as: Int.self)
        let days = (0...6).filter { mask & (1 << $0) != 0 }
        let start = try row.decode(column: "start_minute", as: Int?.self).flatMap { TimeOfDay(minutes: $0) }
        let latitude = try row.decode(column: "latitude", as: Double?.self)
        let longitude = try row.decode(column: "longitude", as: Double?.self)
        var distance: Double?
        if let near, let latitude, let longitude {
            distance = MeetingTimes.kilometres(near, (latitude, longitude))
        }
        let types = try row.decode(column: "types", as: String.self).split(separator: ",").map(String.init)
        return Found(
            id: try row.uuid("id"), name: try row.decode(column: "name", as: String.self), days: days, start: start,
            end: try row.decode(column: "end_minute", as: Int?.self).flatMap { TimeOfDay(minutes: $0) },
            attendance: Meeting.Attendance(rawValue: try row.decode(column: "attendance", as: String.self))
                ?? .inPerson,
            types: types, location: try row.decode(column: "location", as: String.self),
            address: try row.decode(column: "formatted_address", as: String.self), latitude: latitude,
            longitude: longitude, conferenceURL: try row.decode(column: "conference_url", as: String.self),
            conferencePhone: try row.decode(column: "conference_phone", as: String.self),
            notes: try row.decode(column: "notes", as: String.self),
            region: try row.decode(column: "region", as: String.self),
            group: try row.decode(column: "group_name", as: String.self), distance: distance,
            startsIn: start.flatMap {
                MeetingTimes.minutesUntilStart(days: days, start: $0, day: local.day, time: local.time)
            })
    }
}
