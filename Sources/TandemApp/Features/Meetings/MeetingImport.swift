import Crypto
import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Imports a Meeting Guide feed as one of an organization's meeting sources. The same feed
/// again (by its SHA-256) changes nothing; a feed that cannot be read, or has no usable
/// meeting, keeps the source's previous meetings; otherwise the source's meetings are
/// replaced in one transaction, so readers see the old set or the new, never a mix.
enum MeetingImport {
    enum Outcome: Sendable {
        case unchanged(meetings: Int)
        case imported(FeedImport)
        case failed(String)
    }

    /// Feeds larger than this are refused (the largest real feed is about 1.6 MB).
    static let maxBytes = 20 * 1024 * 1024
    static let batchSize = 100

    static func run(
        _ data: Data, source name: String, kind: MeetingSource.Kind = .feed, url: String = "", organizationID: UUID,
        on db: any Database, now: Date = Date(), revive: Bool = true,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> Outcome {
        let source = try await MeetingSource.named(
            kind == .own ? MeetingSource.ownName : name, kind: kind, organizationID: organizationID, on: db)
        // An import asked for by a person brings a removed source back; the scheduled refresh,
        // whose fetch may have begun before the removal, leaves it removed.
        guard revive || source.removedAt == nil else { return .failed("removed") }
        if !url.isEmpty { source.url = url }
        source.removedAt = nil
        source.checkedAt = now
        guard data.count <= maxBytes else {
            source.report = "failed: the feed is larger than \(maxBytes / 1024 / 1024) MB"
            try await source.save(on: db)
            return .failed(source.report)
        }
        let hash = Hex.encode(SHA256.hash(data: data))
        if hash == source.contentHash {
            try await source.save(on: db)
            return .unchanged(meetings: source.meetingCount)
        }
        let parsed: FeedImport
        switch MeetingGuide.parse(data) {
        case .failure(let error):
            source.report = "failed: \(error); the previous meetings are kept"
            try await source.save(on: db)
            return .failed(source.report)
        case .success(let result):
            parsed = result
        }
        guard !parsed.meetings.isEmpty else {
            source.report =
                "failed: no record could be used; the previous meetings are kept\n" + report(parsed)
            try await source.save(on: db)
            return .failed(source.report)
        }
        let sourceID = source.id!
        try await db.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("DELETE FROM meetings WHERE source_id = \(bind: sourceID)").run()
            var done = 0
            for start in stride(from: 0, to: parsed.meetings.count, by: batchSize) {
                let batch = parsed.meetings[start..<min(start + batchSize, parsed.meetings.count)]
                try await insert(Array(batch), sourceID: sourceID, organizationID: organizationID, on: sql)
                done += batch.count
                progress(done, parsed.meetings.count)
            }
            source.contentHash = hash
            source.meetingCount = parsed.meetings.count
            source.skippedCount = parsed.skipped.count
            source.report = report(parsed)
            source.importedAt = now
            try await source.save(on: db)
        }
        return .imported(parsed)
    }

    /// One line per record left out or noticed, for the source's page and the command.
    static func report(_ parsed: FeedImport) -> String {
        let skipped = parsed.skipped.map { "skipped #\($0.index + 1) \($0.slug ?? "(no slug)"): \($0.message)" }
        let noticed = parsed.warnings.map { "kept #\($0.index + 1) \($0.slug ?? ""): \($0.message)" }
        return (skipped + noticed).joined(separator: "\n")
    }

    static let columns = [
        "id", "organization_id", "source_id", "slug", "name", "day_mask", "start_minute", "end_minute", "time_zone",
        "types", "attendance", "location", "formatted_address", "latitude", "longitude", "approximate", "region",
        "conference_url", "conference_phone", "notes", "group_name", "updated", "url", "raw", "search_text",
    ]

    static func insert(
        _ meetings: [Meeting], ids: [UUID]? = nil, sourceID: UUID, organizationID: UUID, on sql: any SQLDatabase
    ) async throws {
        var query = SQLQueryString("INSERT INTO meetings (" + columns.joined(separator: ", ") + ") VALUES ")
        for (index, meeting) in meetings.enumerated() {
            if index > 0 { query.appendInterpolation(unsafeRaw: ", ") }
            let values: [any Encodable & Sendable] = [
                ids?[index] ?? UUID(), organizationID, sourceID, meeting.slug, meeting.name, dayMask(meeting.days),
                meeting.time?.minutes, meeting.endTime?.minutes, meeting.timeZone, typesColumn(meeting.types),
                meeting.attendance.rawValue, meeting.location, meeting.formattedAddress, meeting.latitude,
                meeting.longitude, meeting.approximate, meeting.region, meeting.conferenceURL, meeting.conferencePhone,
                meeting.notes, meeting.group, meeting.updated, meeting.url, meeting.raw, searchText(meeting),
            ]
            query.appendInterpolation(unsafeRaw: "(")
            query.appendInterpolation(binds: values)
            query.appendInterpolation(unsafeRaw: ")")
        }
        try await sql.raw(query).run()
    }

    static let readColumns =
        "slug, name, day_mask, start_minute, end_minute, time_zone, types, attendance, location, formatted_address, "
        + "latitude, longitude, approximate, region, conference_url, conference_phone, notes, group_name, updated, url, raw"

    /// A stored meeting as the `Meeting` it was made from (read with `readColumns`).
    static func meeting(_ row: any SQLRow) throws -> Meeting {
        let mask = try row.decode(column: "day_mask", as: Int.self)
        return Meeting(
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            days: (0...6).filter { mask & (1 << $0) != 0 },
            time: try row.optional("start_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
            endTime: try row.optional("end_minute", as: Int.self).flatMap { TimeOfDay(minutes: $0) },
            timeZone: try row.decode(column: "time_zone", as: String.self),
            types: try row.decode(column: "types", as: String.self).split(separator: ",").map(String.init),
            attendance: Meeting.Attendance(rawValue: try row.decode(column: "attendance", as: String.self))
                ?? .inPerson,
            location: try row.decode(column: "location", as: String.self),
            formattedAddress: try row.decode(column: "formatted_address", as: String.self),
            latitude: try row.optional("latitude", as: Double.self),
            longitude: try row.optional("longitude", as: Double.self),
            approximate: try row.decode(column: "approximate", as: Bool.self),
            region: try row.decode(column: "region", as: String.self),
            conferenceURL: try row.decode(column: "conference_url", as: String.self),
            conferencePhone: try row.decode(column: "conference_phone", as: String.self),
            notes: try row.decode(column: "notes", as: String.self),
            group: try row.decode(column: "group_name", as: String.self),
            updated: try row.decode(column: "updated", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            raw: try row.decode(column: "raw", as: String.self))
    }

    /// Bit d set for day d (0 = Sunday).
    static func dayMask(_ days: [Int]) -> Int { days.reduce(0) { $0 | (1 << $1) } }

    /// Type codes as `,O,D,`, so one code is found with LIKE '%,O,%'.
    static func typesColumn(_ types: [String]) -> String {
        types.isEmpty ? "" : "," + types.joined(separator: ",") + ","
    }

    /// What a words search looks in, lower-cased: name, place, address, region, group, notes.
    static func searchText(_ meeting: Meeting) -> String {
        [meeting.name, meeting.location, meeting.formattedAddress, meeting.region, meeting.group, meeting.notes]
            .filter { !$0.isEmpty }.joined(separator: " ").lowercased()
    }
}
