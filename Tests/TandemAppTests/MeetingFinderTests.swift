import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Meeting finder")
struct MeetingFinderTests {
    @Test("by day and time of day, type, attendance, words, distance and now-and-next")
    func search() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "Sussex", organizationID: admin.organization.id!,
                on: app.db)
            let finder = MeetingFinder(
                req: Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: admin.user, organization: admin.organization, role: .admin))
            var filter = MeetingFinder.Filter()
            filter.day = 2
            filter.part = .evening
            #expect(try await finder.search(filter).count == 9)
            filter = MeetingFinder.Filter()
            filter.type = "S"
            #expect(try await finder.search(filter).map(\.name) == ["Lunes Nueva Generacion"])
            filter.type = "%"
            #expect(try await finder.search(filter).isEmpty)
            filter = MeetingFinder.Filter()
            filter.attendance = .online
            #expect(try await finder.search(filter).count == 28)
            filter = MeetingFinder.Filter()
            filter.words = "nueva generacion"
            #expect(try await finder.search(filter).count == 1)
            // A meeting held every day says so rather than naming seven days; ONL has a name.
            let request = Request(application: app, on: app.eventLoopGroup.any())
            #expect(
                MeetingController.when(days: [0, 1, 2, 3, 4, 5, 6], start: TimeOfDay("19:00"), end: nil, req: request)
                    .hasPrefix("Every day"))
            #expect(
                MeetingController.when(days: [1, 3], start: TimeOfDay("19:00"), end: nil, req: request).contains(","))
            #expect(MeetingController.typeName("ONL", req: request) == "Online meeting")
            // Near the Spanish meeting's own coordinates: it is there at about 0 km, nearest first.
            filter = MeetingFinder.Filter()
            filter.near = (38.6918348, -75.3853936)
            filter.kilometres = 2
            let near = try await finder.search(filter)
            #expect((near.first?.distance ?? 9) < 0.01)
            #expect(near.contains { $0.name == "Lunes Nueva Generacion" && ($0.distance ?? 9) < 0.01 })
            #expect(near.map { $0.distance ?? 99 } == near.map { $0.distance ?? 99 }.sorted())
            #expect(near.allSatisfy { ($0.distance ?? 99) <= 2 })
            // Monday 18:30 in the organization's zone: the 19:00 meeting starts within two hours.
            let monday = ISO8601DateFormatter().date(from: "2026-11-30T23:30:00Z")!
            filter = MeetingFinder.Filter()
            filter.nowAndNext = true
            let soon = try await finder.search(filter, now: monday)
            #expect(soon.contains { $0.name == "Lunes Nueva Generacion" && $0.startsIn == 30 })
            #expect(
                soon.allSatisfy {
                    ($0.startsIn ?? 999) <= 120 || finder.isOn($0, MeetingTimes.local(monday, in: finder.timeZone))
                })
        }
    }

    @Test("the finder and meeting pages, for a family member too; the weekly .ics")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "Sussex", organizationID: admin.organization.id!,
                on: app.db)
            let family = try await app.addMember(.family, to: admin.organization, email: "f@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(family)
            #expect(try await browser.get("/").body.string.contains("href=\"/meetings\""))
            let page = try await browser.get("/meetings?day=1&type=S")
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("Lunes Nueva Generacion"))
            let bad = try await browser.get("/meetings?near=somewhere")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("near-error"))
            // A point off the globe and a negative distance are answered, not ignored.
            let offGlobe = try await browser.get("/meetings?near=200,10")
            #expect(offGlobe.status == .unprocessableEntity && offGlobe.body.string.contains("(−90 to 90)"))
            let negative = try await browser.get("/meetings?near=38.7,-75.1&km=-5")
            #expect(negative.status == .unprocessableEntity && negative.body.string.contains("id=\"km-error\""))
            #expect(negative.body.string.contains("value=\"-5\""))
            #expect(try await browser.get("/resources?q=x&km=abc").status == .unprocessableEntity)
            let results = try #require(body.range(of: "id=\"meeting-results\"")).upperBound
            let link = try #require(body[results...].range(of: "href=\"/meetings/")).upperBound
            let id = String(body[link...].prefix(36))
            let meeting = try await browser.get("/meetings/\(id)")
            #expect(meeting.status == .ok && meeting.body.string.contains("openstreetmap.org/?mlat=38.6918348"))
            let ics = try await browser.get("/meetings/\(id)/calendar.ics").body.string
            #expect(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=MO\r\n") && ics.contains("DURATION:PT90M\r\n"))
            #expect(ics.contains("T190000\r\n") && !ics.contains("T190000Z"))
            #expect(try await browser.get("/meetings/\(UUID().uuidString)").status == .notFound)
            // Another organization's meeting is not there.
            let elsewhere = TestBrowser(app)
            try await elsewhere.signIn(try await app.makeOrganization("Elsewhere", email: "e@elsewhere.org"))
            #expect(try await elsewhere.get("/meetings/\(id)").status == .notFound)
        }
    }
}

@Suite("Meeting sources page")
struct MeetingSourcePageTests {
    @Test("admins see sources with their reports; bad input is refused at the field; others may not")
    func page() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await MeetingImport.run(
                Data(
                    #"[{"name":"A","slug":"a","day":1,"time":"7 PM","formatted_address":"1 Main St"},{"name":"B"}]"#
                        .utf8),
                source: "Local file", organizationID: admin.organization.id!, on: app.db)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let page = try await browser.get("/admin/meetings")
            #expect(page.status == .ok && page.body.string.contains("Local file"))
            #expect(page.body.string.contains("skipped #2 (no slug): no slug"))
            let bad = try await browser.post(
                "/admin/meetings", ["name": "", "url": "ftp://example.org/feed.json"], tokenFrom: "/admin/meetings")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("name-error") && bad.body.string.contains("url-error"))
            #expect(try await MeetingSource.query(on: app.db).count() == 1)
            // What only this server or its network can reach is not fetched, nor plain http.
            for (url, says) in [
                ("https://127.0.0.1:9/feed.json", "public addresses only"),
                ("https://localhost:9/feed.json", "public addresses only"),
                ("https://[::1]:9/feed.json", "public addresses only"),
                ("https://169.254.169.254/latest/meta-data", "public addresses only"),
                ("https://10.0.0.7/feed.json", "public addresses only"),
                ("http://example.org/feed.json", "https only"),
            ] {
                let refused = try await browser.post(
                    "/admin/meetings", ["name": "Near", "url": url], tokenFrom: "/admin/meetings")
                #expect(refused.body.string.contains(says), "\(url)")
            }
            #expect(try await MeetingSource.query(on: app.db).count() == 1)
            let unknown = try await browser.post(
                "/admin/meetings/\(UUID().uuidString)/refresh", [:], tokenFrom: "/admin/meetings")
            #expect(unknown.status == .notFound)
            let coach = TestBrowser(app)
            try await coach.signIn(try await app.addMember(.coach, to: admin.organization, email: "c@example.org"))
            #expect(try await coach.get("/admin/meetings").status == .forbidden)
        }
    }
}

@Suite("Meetings in the API")
struct MeetingAPITests {
    @Test("find meetings and read one; sources for admins only; a bad source address is refused")
    func api() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "Sussex", organizationID: admin.organization.id!,
                on: app.db)
            let person = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let client = try await APIClient.signIn(app, person)
            let (found, list) = try await client.send(.GET, "/meetings?day=1&type=S")
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(found.status == .ok && items.count == 1 && items[0]["start"] as? String == "19:00")
            let id = try #require(items[0]["id"] as? String)
            let (one, meeting) = try await client.send(.GET, "/meetings/\(id)")
            #expect(one.status == .ok && meeting["name"] as? String == "Lunes Nueva Generacion")
            let (half, _) = try await client.send(.GET, "/meetings?latitude=38.69")
            #expect(half.status == .unprocessableEntity)
            let (near, nearList) = try await client.send(
                .GET, "/meetings?latitude=38.6918348&longitude=-75.3853936&km=1")
            #expect(near.status == .ok && ((nearList["items"] as? [[String: Any]])?.isEmpty == false))
            let (sources, _) = try await client.send(.GET, "/meeting-sources")
            #expect(sources.status == .forbidden)
            let adminClient = try await APIClient.signIn(app, admin)
            let (listed, sourceList) = try await adminClient.send(.GET, "/meeting-sources")
            #expect(
                listed.status == .ok && (sourceList["items"] as? [[String: Any]])?.first?["meetings"] as? Int == 123)
            let (bad, _) = try await adminClient.send(
                .POST, "/meeting-sources", json: #"{"name":"X","url":"ftp://example.org/x.json"}"#)
            #expect(bad.status == .unprocessableEntity)
        }
    }
}
