import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Resource directory")
struct ResourceTests {
    static func service(_ app: Application, _ account: Account, _ role: Role) -> ResourceService {
        ResourceService(
            req: Request(application: app, on: app.eventLoopGroup.any()),
            actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    static func detox(verified: String = "2026-11-01") -> ResourceDraft {
        ResourceDraft(
            name: "Harbor Withdrawal Center", description: "Medical detox, walk-ins welcome",
            categories: ["withdrawal_management"], address: "200 Harbor Rd, Lewes DE", latitude: "38.7745",
            longitude: "-75.1393", phone: "302-555-0101", website: "https://harbor.example", hours: "24/7",
            languages: ["en", "es"], costs: ["insurance", "sliding_scale"], lastVerified: verified)
    }

    static func pantry() -> ResourceDraft {
        ResourceDraft(
            name: "Dover Community Pantry", categories: ["food"], address: "5 Loockerman St, Dover DE",
            latitude: "39.1582", longitude: "-75.5244", hours: "Tu,Th 18:00-20:00", languages: ["en"],
            costs: ["free"], lastVerified: "2025-01-10")
    }

    @Test("kept or refused by the rules; searched by words, kind, language, open now and distance")
    func search() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let family = try await app.addMember(.family, to: admin.organization, email: "fam@example.org")
            let directory = Self.service(app, coach, .coach)
            do {
                _ = try await directory.save(nil, ResourceDraft(name: "", categories: ["detox"], hours: "always"))
                Issue.record("a bad resource was kept")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["name", "categories", "hours"])
            }
            #expect(try await Resource.query(on: app.db).count() == 0)
            let detox = try await directory.save(nil, Self.detox())
            _ = try await directory.save(nil, Self.pantry())
            await #expect(throws: ServiceError.self) {
                try await Self.service(app, family, .family).save(nil, Self.pantry())
            }
            // Another organization's directory is out of sight.
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "else@example.org")
            _ = try await Self.service(app, elsewhere, .admin).save(nil, Self.pantry())

            let reader = Self.service(app, family, .family)
            var filter = ResourceService.Filter()
            #expect(
                try await reader.search(filter).map(\.resource.name) == [
                    "Dover Community Pantry", "Harbor Withdrawal Center",
                ])
            filter.words = "WALK-INS"
            #expect(try await reader.search(filter).map(\.resource.id) == [detox.id])
            filter = .init()
            filter.category = .food
            #expect(try await reader.search(filter).map(\.resource.name) == ["Dover Community Pantry"])
            filter = .init()
            filter.language = "es"
            #expect(try await reader.search(filter).map(\.resource.id) == [detox.id])
            // Tuesday 19:00 in New York: both open; Wednesday 10:00: only the 24/7 detox.
            let tuesdayEvening = ISO8601DateFormatter().date(from: "2026-12-02T00:00:00Z")!
            let wednesdayMorning = ISO8601DateFormatter().date(from: "2026-12-02T15:00:00Z")!
            filter = .init()
            filter.openNow = true
            #expect(try await reader.search(filter, now: tuesdayEvening).count == 2)
            #expect(try await reader.search(filter, now: wednesdayMorning).map(\.resource.id) == [detox.id])
            // Near Lewes: the detox at about 0 km; Dover (about 65 km away) only within 100 km.
            filter = .init()
            filter.near = (38.7745, -75.1393)
            filter.kilometres = 25
            let near = try await reader.search(filter)
            #expect(near.map(\.resource.id) == [detox.id] && (near.first?.distance ?? 9) < 0.01)
            filter.kilometres = 100
            #expect(
                try await reader.search(filter).map(\.resource.name) == [
                    "Harbor Withdrawal Center", "Dover Community Pantry",
                ])
            // Entries not checked for six months are flagged.
            #expect(try await reader.search(.init()).first { $0.resource.name.hasPrefix("Dover") }?.isStale == true)
            #expect(try await reader.resource(detox.id!).isStale == false)
            // Wildcards in words are plain text.
            filter = .init()
            filter.words = "%"
            #expect(try await reader.search(filter).isEmpty)
        }
    }

    @Test("CSV: export, edit, import again; each bad row reported and nothing of it kept")
    func csv() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let directory = Self.service(app, admin, .admin)
            let detox = try await directory.save(nil, Self.detox())
            _ = try await directory.save(nil, Self.pantry())
            let exported = try await directory.exportCSV()
            // The same file again changes nothing but counts as two changed entries.
            let again = try await directory.importCSV(exported)
            #expect(again.added == 0 && again.changed == 2 && again.rejected.isEmpty)
            #expect(try await Resource.query(on: app.db).count() == 2)
            #expect(try await Resource.find(detox.id, on: app.db)?.draft == Self.detox().normalized())

            let file = [
                "name,categories,address,hours,languages,cost,id,colour",
                "Harbor Withdrawal Center,withdrawal_management;crisis,\"200 Harbor Rd, Lewes DE\",24/7,en;es;vi,insurance,,red",
                "New Hope House,recovery_housing,1 Hope Ln,,en,free,,",
                ",food,,,,,,",
                "Night Shelter,housing,2 Night St,Mon-Fri 9-5,en,,,",
                "Dover Community Pantry,food,,,en,free,not-a-uuid,",
                "Cheap Eats,food,,,,cheap,,",
            ].joined(separator: "\r\n")
            let report = try await directory.importCSV(file)
            #expect(report.added == 2 && report.changed == 1)
            #expect(report.rejected.map(\.line) == [4, 5, 7])
            #expect(report.rejected[0].problems.map(\.field) == ["name"])
            #expect(report.rejected[1].problems.map(\.field) == ["hours"])
            #expect(report.ignoredColumns == ["colour"])
            let harbor = try await Resource.find(detox.id, on: app.db)
            #expect(harbor?.categories == ",withdrawal_management,crisis," && harbor?.languages == ",en,es,vi,")
            #expect(try await Resource.query(on: app.db).filter(\.$name == "Night Shelter").count() == 0)
            #expect(try await Resource.query(on: app.db).count() == 4)
            // Not a CSV at all: refused whole, nothing changes.
            await #expect(throws: ServiceError.self) { try await directory.importCSV("name\n\"never closed") }
            await #expect(throws: ServiceError.self) { try await directory.importCSV("") }
            await #expect(throws: ServiceError.self) { try await Self.service(app, coach, .coach).importCSV(exported) }
            #expect(try await Resource.query(on: app.db).count() == 4)
            let trail = try await AuditEvent.query(on: app.db).all(\.$action)
            #expect(trail.contains("resource.import") && trail.contains("resource.export"))
        }
    }

    @Test("the directory pages: add with field errors, read, change, search, import a file, download")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let person = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            #expect(try await browser.get("/resources").body.string.contains("no-resources"))
            let bad = try await browser.post(
                "/resources", pairs: [("name", ""), ("hours", "sometimes"), ("latitude", "100")],
                tokenFrom: "/resources/new")
            #expect(bad.status == .unprocessableEntity)
            for field in ["name-error", "categories-error", "hours-error", "latitude-error"] {
                #expect(bad.body.string.contains(field), "\(field)")
            }
            let made = try await browser.post(
                "/resources",
                pairs: [
                    ("name", "Harbor Withdrawal Center"), ("categories[]", "withdrawal_management"),
                    ("categories[]", "crisis"), ("address", "200 Harbor Rd"), ("latitude", "38.7745"),
                    ("longitude", "-75.1393"), ("hours", "24/7"), ("languages", "en, es"), ("costs[]", "free"),
                    ("last_verified", "2026-11-01"),
                ], tokenFrom: "/resources/new")
            #expect(made.status == .seeOther)
            let location = try #require(made.location)
            let page = try await browser.get(location).body.string
            #expect(page.contains("Harbor Withdrawal Center") && page.contains("openstreetmap.org/?mlat=38.7745"))
            #expect(page.contains("Withdrawal management (detox)") && page.contains("Spanish"))
            let id = String(location.dropFirst("/resources/".count).prefix(36))
            let changed = try await browser.post(
                "/resources/\(id)",
                pairs: [("name", "Harbor Center"), ("categories[]", "withdrawal_management"), ("hours", "")],
                tokenFrom: "/resources/\(id)/edit")
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/resources?q=harbor").body.string.contains("Harbor Center"))
            let csv = try await browser.get("/resources/export.csv")
            #expect(csv.headers.contentType?.subType == "csv" && csv.body.string.hasPrefix("id,name,"))
            // A coach may not import; an admin uploads a file.
            #expect(try await browser.get("/resources/import").status == .forbidden)
            let adminBrowser = TestBrowser(app)
            try await adminBrowser.signIn(admin)
            let token = try await adminBrowser.token(from: "/resources/import")
            let boundary = "tandem-test-boundary"
            let upload =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nname,categories\nPantry,food\nBad,nothing\n\r\n--\(boundary)--\r\n"
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let imported = try await adminBrowser.send(
                .POST, "/resources/import", headers: headers, body: ByteBuffer(string: upload))
            #expect(imported.status == .ok)
            #expect(imported.body.string.contains("1 added, 0 changed, 1 left out"))
            #expect(element("import-rejected", in: imported.body.string)?.contains("categories") == true)
            // A participant reads the directory and cannot change it.
            let reader = TestBrowser(app)
            try await reader.signIn(person)
            #expect(try await reader.get("/resources").body.string.contains("Pantry"))
            #expect(try await reader.get("/resources/new").status == .forbidden)
            #expect(try await reader.get("/resources/\(UUID())").status == .notFound)
        }
    }
}
