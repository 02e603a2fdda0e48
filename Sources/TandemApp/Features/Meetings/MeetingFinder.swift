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
    let organization: Organization

    init(req: Request, organization: Organization) {
        self.req = req
        self.organization = organization
    }

    init(req: Request, actor: Actor) {
        self.init(req: req, organization: actor.organization)
    }

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

    var timeZone: TimeZone { TimeZone(identifier: organization.timeZone) ?? .gmt }

    func search(_ filter: Filter, now: Date = Date()) async throws -> [Found] {
        let entry = try await MeetingIndex.meetings(of: organization.id!, on: req.db)
        let all = entry.meetings
        let local = MeetingTimes.local(now, in: timeZone)
        let dayBit = (filter.nowAndNext ? nil : filter.day).map { 1 << $0 }
        let part = filter.nowAndNext ? nil : filter.part.map(Self.bounds)
        let type = filter.type.flatMap { $0.isEmpty ? nil : $0 }

        let words = filter.words.lowercased().split(separator: " ").prefix(5).filter { !$0.isEmpty }.map {
            Array($0.utf8)
        }
        // Matches in the list's order; "now and next" and distance reorder them, so those
        // keep every match as a position and a sort key, and make rows only of the first page.
        var matches: [(position: Int, distance: Double?, order: Double)] = []
        let reorders = filter.nowAndNext || filter.near != nil
        // A type narrows the walk to that type's meetings, still in the list's order.
        let positions: [Int]? = type.map { entry.byType[$0] ?? [] }
        let count = positions?.count ?? all.count
        entry.keys.withUnsafeBufferPointer { keys in
            for step in 0..<count {
                let position = positions?[step] ?? step
                let key = keys[position]
                if let attendance = filter.attendance {
                    guard key.attendance == attendance else { continue }
                } else if key.attendance == .inactive {
                    continue
                }
                if let dayBit, key.dayMask & dayBit == 0 { continue }
                if let (from, to) = part {
                    guard key.start >= 0 else { continue }
                    guard from < to ? (key.start >= from && key.start < to) : (key.start >= from || key.start < to)
                    else { continue }
                }
                var distance: Double?
                if let near = filter.near {
                    guard !key.latitude.isNaN, !key.longitude.isNaN else { continue }
                    let kilometres = MeetingTimes.kilometres(near, (key.latitude, key.longitude))
                    guard kilometres <= filter.kilometres else { continue }
                    distance = kilometres
                }
                var order = distance ?? 0
                if filter.nowAndNext {
                    // On now (first), or starting within two hours (soonest first).
                    guard let start = TimeOfDay(minutes: key.start) else { continue }
                    let end = TimeOfDay(minutes: key.end) ?? TimeOfDay(minutes: (start.minutes + 60) % 1440)!
                    let until = MeetingTimes.minutesUntilStart(
                        dayMask: key.dayMask, start: start, day: local.day, time: local.time)
                    if MeetingTimes.isOn(dayMask: key.dayMask, start: start, end: end, day: local.day, time: local.time)
                    {
                        order = -1
                    } else if let until, until <= 120 {
                        order = Double(until)
                    } else {
                        continue
                    }
                }
                if !words.isEmpty && !words.allSatisfy(all[position].mentions) { continue }
                matches.append((position, distance, order))
                // Without a reordering, the list's own order is the answer: stop at a page.
                if !reorders && matches.count == Self.limit { break }
            }
        }
        if reorders {
            // Ties in the list's order ("now and next"), or by name (distance).
            let byName = !filter.nowAndNext
            matches.sort { a, b in
                if a.order != b.order { return a.order < b.order }
                if byName, all[a.position].name != all[b.position].name {
                    return all[a.position].name < all[b.position].name
                }
                return a.position < b.position
            }
        }
        return matches.prefix(Self.limit).map { Self.found(all[$0.position], distance: $0.distance, local: local) }
    }

    static func found(_ meeting: MeetingIndex.Listed, distance: Double?, local: (day: Int, time: TimeOfDay)) -> Found {
        let days = meeting.days
        return Found(
            id: meeting.id, name: meeting.name, days: days, start: meeting.start, end: meeting.end,
            attendance: meeting.attendance, types: meeting.types, location: meeting.location,
            address: meeting.address, latitude: meeting.latitude, longitude: meeting.longitude,
            conferenceURL: meeting.conferenceURL, conferencePhone: meeting.conferencePhone, notes: meeting.notes,
            region: meeting.region, group: meeting.group, distance: distance,
            startsIn: meeting.start.flatMap {
                MeetingTimes.minutesUntilStart(days: days, start: $0, day: local.day, time: local.time)
            })
    }

    func meeting(_ id: UUID) async throws -> Found {
        guard let sql = req.db as? any SQLDatabase,
            let row = try await sql.raw(
                "SELECT \(unsafeRaw: MeetingIndex.columns) FROM meetings WHERE organization_id = \(bind: organization.id!) AND id = \(bind: id)"
            ).first()
        else { throw ServiceError.notFound }
        return Self.found(try MeetingIndex.listed(row), distance: nil, local: MeetingTimes.local(Date(), in: timeZone))
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
}
