import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TandemKit

/// An organization's meetings held in memory for the finder, in the order it lists them (by
/// start, then name). Meetings change only when a source is imported or the organization's
/// own are edited, while people search all day; so each search costs one small query for
/// the sources' version and a pass over the list, instead of a scan of the table. When the
/// version differs (another process imported a feed, say), the list is read again.
enum MeetingIndex {
    struct Listed: Sendable {
        let id: UUID
        let name: String
        let dayMask: Int
        let start: TimeOfDay?
        let end: TimeOfDay?
        let attendance: Meeting.Attendance
        /// The type codes as the feed gave them.
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
        /// What a words search looks in, lower-cased, as bytes: a byte search is what makes a
        /// pass over ten thousand meetings take well under a millisecond.
        let searchBytes: [UInt8]

        var days: [Int] { (0...6).filter { dayMask & (1 << $0) != 0 } }

        func mentions(_ word: [UInt8]) -> Bool {
            guard !word.isEmpty, word.count <= searchBytes.count else { return word.isEmpty }
            let first = word[0]
            var index = 0
            let last = searchBytes.count - word.count
            return searchBytes.withUnsafeBufferPointer { text in
                while index <= last {
                    if text[index] == first {
                        var matched = 1
                        while matched < word.count && text[index + matched] == word[matched] { matched += 1 }
                        if matched == word.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// What a search tests first, without reference-counted fields, so the pass over the
    /// list copies nothing until a meeting matches.
    struct Key: Sendable {
        let dayMask: Int
        /// Minutes after midnight; -1 for a meeting without a time.
        let start: Int
        let end: Int
        let attendance: Meeting.Attendance
        let latitude: Double
        let longitude: Double
    }

    struct Entry: Sendable {
        let version: String
        let meetings: [Listed]
        let keys: [Key]
        /// For each type code, the positions of its meetings in `meetings`, in order: a type
        /// search walks only those.
        let byType: [String: [Int]]

        init(version: String, meetings: [Listed]) {
            self.version = version
            self.meetings = meetings
            keys = meetings.map {
                Key(
                    dayMask: $0.dayMask, start: $0.start?.minutes ?? -1, end: $0.end?.minutes ?? -1,
                    attendance: $0.attendance, latitude: $0.latitude ?? .nan, longitude: $0.longitude ?? .nan)
            }
            var byType: [String: [Int]] = [:]
            for (position, meeting) in meetings.enumerated() {
                for code in Set(meeting.types) { byType[code, default: []].append(position) }
            }
            self.byType = byType
        }
    }

    private static let cache = NIOLockedValueBox<[UUID: Entry]>([:])
    /// Lists being read, so requests arriving together wait for one read instead of each
    /// reading ten thousand rows at once.
    private static let reading = NIOLockedValueBox<[String: Task<Entry, any Error>]>([:])

    static let columns =
        "id, name, day_mask, start_minute, end_minute, attendance, types, location, formatted_address, latitude, "
        + "longitude, conference_url, conference_phone, notes, region, group_name, search_text"

    static func meetings(of organizationID: UUID, on db: any Database) async throws -> Entry {
        guard let sql = db as? any SQLDatabase else { return Entry(version: "", meetings: []) }
        let row = try await sql.raw(
            """
            SELECT COUNT(*) AS sources, CAST(COALESCE(SUM(meeting_count), 0) AS BIGINT) AS meetings, MAX(imported_at) AS latest \
            FROM meeting_sources WHERE organization_id = \(bind: organizationID)
            """
        ).first()
        let version =
            try row.map {
                let latest = try $0.optional("latest", as: Date.self)?.timeIntervalSince1970 ?? 0
                return
                    "\(try $0.decode(column: "sources", as: Int.self)):\(try $0.decode(column: "meetings", as: Int.self)):\(latest)"
            } ?? ""
        if let cached = cache.withLockedValue({ $0[organizationID] }), cached.version == version {
            return cached
        }
        let key = organizationID.uuidString + "@" + version
        let task = reading.withLockedValue { tasks in
            if let running = tasks[key] { return running }
            let started = Task { Entry(version: version, meetings: try await read(organizationID, on: sql)) }
            tasks[key] = started
            return started
        }
        defer { _ = reading.withLockedValue { $0.removeValue(forKey: key) } }
        let entry = try await task.value
        cache.withLockedValue { $0[organizationID] = entry }
        return entry
    }

    private static func read(_ organizationID: UUID, on sql: any SQLDatabase) async throws -> [Listed] {
        let rows = try await sql.raw(
            "SELECT \(unsafeRaw: columns) FROM meetings WHERE organization_id = \(bind: organizationID)"
        ).all()
        var meetings = try rows.map(listed)
        // The finder's order: by start (meetings without a time first), then name.
        meetings.sort { ($0.start?.minutes ?? -1, $0.name) < ($1.start?.minutes ?? -1, $1.name) }
        return meetings
    }

    static func listed(_ row: any SQLRow) throws -> Listed {
        let types = try row.decode(column: "types", as: String.self).split(separator: ",").map(String.init)
        return Listed(
            id: try row.uuid("id"), name: try row.decode(column: "name", as: String.self),
            dayMask: try row.decode(column: "day_mask", as: Int.self),
            start: try row.optional("start_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
            end: try row.optional("end_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
            attendance: Meeting.Attendance(rawValue: try row.decode(column: "attendance", as: String.self))
                ?? .inPerson,
            types: types,
            location: try row.decode(column: "location", as: String.self),
            address: try row.decode(column: "formatted_address", as: String.self),
            latitude: try row.optional("latitude", as: Double.self),
            longitude: try row.optional("longitude", as: Double.self),
            conferenceURL: try row.decode(column: "conference_url", as: String.self),
            conferencePhone: try row.decode(column: "conference_phone", as: String.self),
            notes: try row.decode(column: "notes", as: String.self),
            region: try row.decode(column: "region", as: String.self),
            group: try row.decode(column: "group_name", as: String.self),
            searchBytes: Array(try row.decode(column: "search_text", as: String.self).utf8))
    }
}
