import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Meetings we run, the published feed, my meetings and scheduled refresh")
struct MeetingFeedTests {
    static func actor(_ account: Account, _ role: Role) -> Actor {
        Actor(user: account.user, organization: account.organization, role: role)
    }

    static func request(_ app: Application) -> Request { Request(application: app, on: app.eventLoopGroup.any()) }

    /// The stored meetings of a source, as Tandem understood them (their records left aside).
    static func understood(_ app: Application, source: UUID) async throws -> [Meeting] {
        let sql = try #require(app.db as? any SQLDatabase)
        return try await sql.raw(
            "SELECT \(unsafeRaw: MeetingImport.readColumns) FROM meetings WHERE source_id = \(bind: source) ORDER BY slug"
        ).all().map(MeetingImport.meeting).map {
            var meeting = $0
            meeting.raw = ""
            return meeting
        }
    }

    @Test("own meetings: kept or refused; published as a feed that imports back to the same meetings")
    func ownAndRoundTrip() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let family = try await app.addMember(.family, to: admin.organization, email: "fam@example.org")
            let ours = OwnMeetingService(req: Self.request(app), actor: Self.actor(admin, .admin))
            do {
                try await ours.save(nil, MeetingDraft(name: "", days: [], time: "7pm"))
                Issue.record("a bad meeting was kept")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["name", "days", "time", "address"])
            }
            await #expect(throws: ServiceError.self) {
                try await OwnMeetingService(req: Self.request(app), actor: Self.actor(family, .family)).save(
                    nil, MeetingDraft(name: "A", days: [1], time: "19:00", address: "1 Main St"))
            }
            let martes = try await ours.save(
                nil,
                MeetingDraft(
                    name: "Martes en Español", days: [2], time: "19:00", endTime: "20:30", types: ["S", "ONL", "O"],
                    conferenceURL: "https://meet.example/martes"))
            _ = try await ours.save(
                nil,
                MeetingDraft(
                    name: "All Recovery", days: [1, 4], time: "18:00", types: ["O", "X"], location: "Harbor RCO",
                    address: "1 Main St, Lewes DE", latitude: "38.7745", longitude: "-75.1393"))
            // Imported as the organization's own, a real feed keeps every field it came with.
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "", kind: .own,
                organizationID: admin.organization.id!, on: app.db)
            #expect(try await ours.list().count == 123)
            // Changing one keeps its other fields and its slug.
            let first = try #require(try await ours.list().first)
            var draft = MeetingDraft(first.meeting)
            draft.notes = "Ring the bell"
            try await ours.save(first.id, draft)
            let changed = try await ours.meeting(first.id)
            #expect(changed.notes == "Ring the bell" && changed.slug == first.meeting.slug)
            #expect(changed.raw.contains("\"location_url\"") || !first.meeting.raw.contains("\"location_url\""))
            try await ours.save(
                nil,
                MeetingDraft(
                    name: "Martes en Español", days: [2], time: "19:00", types: ["S", "ONL"],
                    conferenceURL: "https://meet.example/martes"))
            _ = martes

            // The feed, public, with an ETag; the same version again is 304.
            let browser = TestBrowser(app)
            let feed = try await browser.get("/meetings.json")
            #expect(feed.status == .ok && feed.headers.contentType == .json)
            let etag = try #require(feed.headers.first(name: .eTag))
            let records = try #require(
                try JSONSerialization.jsonObject(with: Data(feed.body.readableBytesView)) as? [Any])
            #expect(records.count == 124)
            #expect(try await browser.get("/meetings.json", headers: ["If-None-Match": etag]).status == .notModified)
            let byID = try await browser.get("/organizations/\(admin.organization.id!)/meetings.json")
            #expect(byID.status == .ok && byID.headers.first(name: .eTag) == etag)

            // Imported elsewhere, the feed gives the same meetings.
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "else@example.org")
            guard
                case .imported(let again) = try await MeetingImport.run(
                    Data(feed.body.readableBytesView), source: "Harbor", organizationID: elsewhere.organization.id!,
                    on: app.db)
            else {
                Issue.record("the published feed did not import")
                return
            }
            #expect(again.skipped.isEmpty && again.meetings.count == 124)
            let ownSource = try await ours.source().id!
            let copied = try #require(
                try await MeetingSource.query(on: app.db).filter(\.$organizationID == elsewhere.organization.id!)
                    .first())
            #expect(try await Self.understood(app, source: copied.id!) == Self.understood(app, source: ownSource))

            // With two organizations, /meetings.json asks for the organization's own address.
            #expect(try await browser.get("/meetings.json").status == .notFound)
            // A change makes a new version.
            try await ours.delete(first.id)
            let after = try await browser.get("/organizations/\(admin.organization.id!)/meetings.json")
            #expect(after.headers.first(name: .eTag) != etag)
            #expect(try await browser.get("/organizations/\(UUID())/meetings.json").status == .notFound)
        }
    }

    @Test("my meetings survive a feed's next import; going to one is offered in the day's check-in")
    func mine() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let account = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: account.user)
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "Sussex", organizationID: admin.organization.id!,
                on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            func id(_ slug: String) async throws -> UUID {
                try #require(try await sql.raw("SELECT id FROM meetings WHERE slug = \(bind: slug)").first()).uuid("id")
            }
            let browser = TestBrowser(app)
            try await browser.signIn(account)
            let lunes = try await id("lunes-nueva-generacion")
            let kept = try await browser.post("/meetings/\(lunes)/keep", [:], tokenFrom: "/meetings/\(lunes)")
            #expect(kept.status == .seeOther)
            #expect(try await browser.get("/meetings/mine").body.string.contains("Lunes Nueva Generacion"))
            // The feed imported again (changed): the kept meeting is found under its new id.
            var records = try #require(
                try JSONSerialization.jsonObject(with: MeetingImportTests.feed("sussexaa.json")) as? [[String: Any]])
            records.removeLast()
            _ = try await MeetingImport.run(
                try JSONSerialization.data(withJSONObject: records), source: "Sussex",
                organizationID: admin.organization.id!, on: app.db)
            let moved = try await id("lunes-nueva-generacion")
            #expect(moved != lunes)
            let mine = try await browser.get("/meetings/mine").body.string
            #expect(mine.contains("/meetings/\(moved)"))
            // Someone else's list stays their own.
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            #expect(try await coachBrowser.get("/meetings/mine").body.string.contains("no-kept-meetings"))
            #expect(
                try await coachBrowser.post("/meetings/\(moved)/attended", [:], tokenFrom: "/meetings").status
                    == .forbidden)

            // Going to an in-person and an online meeting today.
            let online = try await id("wednesday-as-bill-sees-it")
            for meeting in [moved, online, moved] {
                let went = try await browser.post(
                    "/meetings/\(meeting)/attended", [:], tokenFrom: "/meetings/\(meeting)")
                #expect(went.status == .seeOther)
            }
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM meeting_attendance").first()?.decode(
                    column: "n", as: Int.self) == 2)
            let form = try await browser.get("/check-in").body.string
            for support in ["mutual_help_meeting", "online_meeting"] {
                #expect(form.contains("value=\"\(support)\" checked"), "\(support)")
            }
            #expect(try await browser.get("/meetings/mine").body.string.contains("meetings-went"))
            // Once the day's check-in is sent, it stays as the person left it.
            let sent = try await browser.post(
                "/check-in", pairs: [("mood", "4"), ("craving", "1")], tokenFrom: "/check-in")
            #expect(sent.status == .seeOther)
            #expect(!(try await browser.get("/check-in").body.string.contains("value=\"online_meeting\" checked")))
            let forgot = try await browser.post("/meetings/\(moved)/forget", [:], tokenFrom: "/meetings/\(moved)")
            #expect(forgot.status == .seeOther)
            #expect(try await browser.get("/meetings/mine").body.string.contains("no-kept-meetings"))
            // A kept meeting its feed no longer lists can still be forgotten from the list.
            _ = try await browser.post("/meetings/\(online)/keep", [:], tokenFrom: "/meetings/\(online)")
            records.removeAll { $0["slug"] as? String == "wednesday-as-bill-sees-it" }
            _ = try await MeetingImport.run(
                try JSONSerialization.data(withJSONObject: records), source: "Sussex",
                organizationID: admin.organization.id!, on: app.db)
            let unlisted = try await browser.get("/meetings/mine").body.string
            #expect(unlisted.contains("no longer listed"))
            let action = try #require(unlisted.range(of: "action=\"/meetings/mine/")).upperBound
            let savedID = String(unlisted[action...].prefix(36))
            let gone = try await browser.post("/meetings/mine/\(savedID)/forget", [:], tokenFrom: "/meetings/mine")
            #expect(gone.status == .seeOther)
            #expect(try await browser.get("/meetings/mine").body.string.contains("no-kept-meetings"))
            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == person.id!).all(\.$action)
            #expect(trail.filter { $0 == "meeting.attended" }.count == 3)

            // The admin removes the source: its meetings and kept meetings go, attendance stays.
            _ = try await browser.post("/meetings/\(moved)/keep", [:], tokenFrom: "/meetings/\(moved)")
            let source = try #require(try await MeetingSource.query(on: app.db).filter(\.$name == "Sussex").first())
            source.url = "https://feeds.example.org/sussex.json"
            try await source.save(on: app.db)
            let adminBrowser = try await TestBrowser.signedIn(app, admin)
            // The same feed under a second name is refused: it would list every meeting twice.
            let twice = try await adminBrowser.post(
                "/admin/meetings", ["name": "Sussex again", "url": source.url], tokenFrom: "/admin/meetings")
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("already one of the sources"))
            let removePage = "/admin/meetings/\(source.id!)/remove"
            let other = try await app.makeOrganization("Elsewhere", email: "else@example.org")
            #expect(try await TestBrowser.signedIn(app, other).get(removePage).status == .notFound)
            #expect(try await adminBrowser.get(removePage).body.string.contains("confirm-remove"))
            let removed = try await adminBrowser.post(removePage, [:], tokenFrom: removePage)
            #expect(removed.status == .ok && removed.body.string.contains("Sussex was removed"))
            #expect(!removed.body.string.contains("id=\"remove-\(source.id!)\""))
            func count(_ table: String) async throws -> Int? {
                try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
                    column: "n", as: Int.self)
            }
            #expect(try await count("meetings") == 0)
            #expect(try await count("saved_meetings") == 0)
            #expect(try await count("meeting_attendance") == 2)
            #expect(try await browser.get("/meetings/mine").body.string.contains("no-kept-meetings"))
            #expect(try await adminBrowser.post(removePage, [:], tokenFrom: "/admin/meetings").status == .notFound)
            // Imported again under its name, it is back.
            _ = try await MeetingImport.run(
                try JSONSerialization.data(withJSONObject: records), source: "Sussex",
                organizationID: admin.organization.id!, on: app.db)
            #expect(try await adminBrowser.get("/admin/meetings").body.string.contains("id=\"remove-\(source.id!)\""))
            #expect(try await count("meetings") == records.count)
        }
    }

    @Test("a feed refreshes on its schedule, once, keeping its meetings when the fetch fails")
    func scheduled() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let start = Date()
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("atlanta.json"), source: "Atlanta",
                url: "https://feeds.example/atlanta.json",
                organizationID: admin.organization.id!, on: app.db, now: start)
            let source = try #require(try await MeetingSource.query(on: app.db).first())
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let bad = try await browser.post(
                "/admin/meetings/\(source.id!)/schedule", ["refresh_hours": "5"], tokenFrom: "/admin/meetings")
            #expect(bad.status == .unprocessableEntity)
            let set = try await browser.post(
                "/admin/meetings/\(source.id!)/schedule", ["refresh_hours": "24"], tokenFrom: "/admin/meetings")
            #expect(set.status == .ok)
            #expect(try await MeetingSource.find(source.id, on: app.db)?.refreshHours == 24)

            let fetched = NIOLockedValueBox<[String]>([])
            let serve: @Sendable (String) async throws -> Data = { address in
                fetched.withLockedValue { $0.append(address) }
                return try MeetingImportTests.feed("sussexaa.json")
            }
            // Not due yet, then due a day later: fetched once, even when asked twice at once.
            #expect(try await MeetingRefresh.runDue(on: app.db, now: start.addingTimeInterval(3600), fetch: serve) == 0)
            let later = start.addingTimeInterval(86_400 + 60)
            async let one = MeetingRefresh.runDue(on: app.db, now: later, fetch: serve)
            async let two = MeetingRefresh.runDue(on: app.db, now: later, fetch: serve)
            #expect(try await one + two == 1)
            #expect(fetched.withLockedValue { $0 } == ["https://feeds.example/atlanta.json"])
            #expect(try await MeetingSource.find(source.id, on: app.db)?.meetingCount == 123)
            // A day later the address fails: the meetings stay, the report says why.
            let failing: @Sendable (String) async throws -> Data = { _ in throw CommandFailure("answered 500") }
            #expect(
                try await MeetingRefresh.runDue(on: app.db, now: later.addingTimeInterval(86_400 + 60), fetch: failing)
                    == 1)
            let after = try #require(try await MeetingSource.find(source.id, on: app.db))
            #expect(after.meetingCount == 123 && after.report.contains("answered 500"))
            #expect(try await Meeting.count(app) == 123)
        }
    }

    @Test("the public meeting finder: off until an admin turns it on; no sign-in, nothing personal")
    func publicFinder() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await MeetingImport.run(
                try MeetingImportTests.feed("sussexaa.json"), source: "Sussex", organizationID: admin.organization.id!,
                on: app.db)
            let base = "/organizations/\(admin.organization.id!)/meetings"
            let visitor = TestBrowser(app)
            #expect(try await visitor.get(base).status == .notFound)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let on = try await browser.post(
                "/admin/meetings/public", ["public_finder": "1"], tokenFrom: "/admin/meetings")
            #expect(on.status == .ok && on.body.string.contains("public-finder-link"))
            let page = try await visitor.get(base + "?day=1&part=evening&type=S")
            #expect(page.status == .ok && page.body.string.contains("Lunes Nueva Generacion"))
            #expect(!page.body.string.contains("my-meetings-link") && !page.body.string.contains("signout"))
            // A visitor is not told of "your organization": the page names it.
            #expect(
                !page.body.string.contains("your organization") && page.body.string.contains("time zone of Riverbend"))
            let body = page.body.string
            // The header names the organization and leads to its public site, not to a sign-in.
            #expect(
                body.contains("class=\"brand\" href=\"/organizations/\(admin.organization.id!.uuidString)\">Riverbend<")
            )
            let link = try #require(body.range(of: "href=\"\(base)/")).upperBound
            let id = String(body[link...].prefix(36))
            let meeting = try await visitor.get("\(base)/\(id)")
            #expect(meeting.status == .ok && !meeting.body.string.contains("keep-meeting"))
            let ics = try await visitor.get("\(base)/\(id)/calendar.ics")
            #expect(ics.status == .ok && ics.body.string.contains("RRULE:FREQ=WEEKLY;BYDAY=MO"))
            // Another organization's meeting is not found through this address.
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "else@example.org")
            try await MeetingSettings.setPublicFinder(true, of: elsewhere.organization.id!, db: app.db)
            #expect(
                try await visitor.get("/organizations/\(elsewhere.organization.id!)/meetings/\(id)").status == .notFound
            )
            let off = try await browser.post("/admin/meetings/public", [:], tokenFrom: "/admin/meetings")
            #expect(off.status == .ok)
            #expect(try await visitor.get(base).status == .notFound)
            #expect(try await visitor.get("\(base)/\(id)").status == .notFound)
        }
    }
}
