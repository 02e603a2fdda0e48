import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Meeting import")
struct MeetingImportTests {
    /// The real feeds beside the repository (../shared/data/meeting-guide).
    static let feeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/meeting-guide")

    static func feed(_ file: String) throws -> Data {
        try Data(contentsOf: feeds.appendingPathComponent(file))
    }

    @Test("every real feed imports with its counts; the same feed again rewrites nothing")
    func realFeeds() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let organization = admin.organization.id!
            for (file, count) in [
                ("aasepia.json", 2038), ("al-anon.json", 360), ("atlanta.json", 6), ("sussexaa.json", 123),
            ] {
                let outcome = try await MeetingImport.run(
                    try Self.feed(file), source: file, organizationID: organization, on: app.db)
                guard case .imported(let result) = outcome else {
                    Issue.record("\(file): \(outcome)")
                    continue
                }
                #expect(result.meetings.count == count && result.skipped.isEmpty, "\(file)")
            }
            #expect(try await Meeting.count(app) == 2038 + 360 + 6 + 123)
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(
                try await sql.raw(
                    """
                    SELECT name, day_mask, start_minute, end_minute, types, attendance, latitude FROM meetings \
                    WHERE slug = 'lunes-nueva-generacion'
                    """
                ).first())
            #expect(try row.decode(column: "name", as: String.self) == "Lunes Nueva Generacion")
            #expect(try row.decode(column: "day_mask", as: Int.self) == 2)
            #expect(try row.decode(column: "start_minute", as: Int.self) == 19 * 60)
            #expect(try row.decode(column: "types", as: String.self) == ",D,O,S,")
            let before = try await sql.raw("SELECT id FROM meetings WHERE slug = 'lunes-nueva-generacion'").first()?
                .decode(column: "id", as: UUID.self)
            let again = try await MeetingImport.run(
                try Self.feed("sussexaa.json"), source: "sussexaa.json", organizationID: organization, on: app.db)
            guard case .unchanged(let meetings) = again else {
                Issue.record("an unchanged feed was imported again")
                return
            }
            #expect(meetings == 123)
            let after = try await sql.raw("SELECT id FROM meetings WHERE slug = 'lunes-nueva-generacion'").first()?
                .decode(column: "id", as: UUID.self)
            #expect(before == after)
        }
    }

    @Test("a failed or empty import keeps the previous meetings and says why")
    func failedImportKeepsMeetings() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let organization = admin.organization.id!
            _ = try await MeetingImport.run(
                try Self.feed("atlanta.json"), source: "Atlanta", organizationID: organization, on: app.db)
            for (text, why) in [
                ("[{\"name\":", "not JSON"), ("[]", "no meetings"), ("{\"a\":1}", "not a JSON array"),
                ("[{\"name\":\"x\"}]", "no record could be used"),
            ] {
                let outcome = try await MeetingImport.run(
                    Data(text.utf8), source: "Atlanta", organizationID: organization, on: app.db)
                guard case .failed(let report) = outcome else {
                    Issue.record("\(text) did not fail")
                    continue
                }
                #expect(report.contains(why), "\(report)")
                #expect(try await Meeting.count(app) == 6)
            }
            let source = try #require(try await MeetingSource.query(on: app.db).first())
            #expect(source.meetingCount == 6 && source.report.contains("skipped #1 (no slug): no slug"))
            // A good feed with some bad records replaces the meetings and reports each.
            let mixed = """
                [{"name":"A","slug":"a","day":1,"time":"7:00 PM","formatted_address":"1 Main St"},
                 {"name":"B","slug":"a","day":2,"time":"10:00","formatted_address":"2 Main St"},
                 {"name":"C","slug":"c","day":"Funday","time":"10:00","formatted_address":"3 Main St"}]
                """
            guard
                case .imported(let result) = try await MeetingImport.run(
                    Data(mixed.utf8), source: "Atlanta", organizationID: organization, on: app.db)
            else {
                Issue.record("the mixed feed did not import")
                return
            }
            #expect(result.meetings.map(\.slug) == ["a"])
            #expect(try await Meeting.count(app) == 1)
            let report = try #require(try await MeetingSource.query(on: app.db).first()).report
            #expect(report == "skipped #2 a: duplicate slug\nskipped #3 c: day not understood: \"Funday\"")
        }
    }
}

extension Meeting {
    static func count(_ app: Application) async throws -> Int {
        let sql = try #require(app.db as? any SQLDatabase)
        return try await sql.raw("SELECT COUNT(*) AS n FROM meetings").first()?.decode(column: "n", as: Int.self) ?? -1
    }
}
