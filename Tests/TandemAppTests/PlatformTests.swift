import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Platform: headers, operations, language, audit, database")
struct PlatformTests {
    @Test("every response carries the security headers; pages are never cached")
    func headers() async throws {
        try await withTandem { app in
            for path in ["/signin", "/crisis", "/healthz", "/no-such-page", "/api/v1/me"] {
                let response = try await app.testing().sendRequest(.GET, path)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"), "\(path)")
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
            }
            // A page reached by a one-time link repeats its address to no one, this site included.
            for path in ["/invite/some-token", "/reset/some-token", "/setup/some-token"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
            }
            let css = try await app.testing().sendRequest(.GET, "/css/tandem.css")
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .cacheControl) != "no-store")
        }
    }

    @Test("health, readiness and Prometheus metrics")
    func operations() async throws {
        try await withTandem { app in
            #expect(try await app.testing().sendRequest(.GET, "/healthz").status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/readyz").body.string == "ready\n")
            _ = try await app.testing().sendRequest(.GET, "/signin")
            let metrics = try await app.testing().sendRequest(.GET, "/metrics")
            let text = metrics.body.string
            #expect(text.contains("tandem_http_requests_total{method=\"GET\",route=\"/signin\",status=\"200\"}"))
            #expect(text.contains("tandem_http_request_duration_seconds_bucket"))
        }
    }

    @Test("unknown pages get a calm HTML 404, not a server error")
    func notFoundPage() async throws {
        try await withTandem { app in
            let response = try await app.testing().sendRequest(.GET, "/nothing/here")
            #expect(response.status == .notFound)
            #expect(response.body.string.contains("We could not find that page."))
            #expect(response.body.string.contains("class=\"crisis-link\""))
        }
    }

    @Test("the language switch works without JavaScript and the browser's preference is honoured")
    func language() async throws {
        try await withTandem { app in
            let spanish = try await app.testing().sendRequest(
                .GET, "/signin", headers: ["Accept-Language": "es-MX,es;q=0.9"])
            #expect(spanish.body.string.contains("<html lang=\"es\">"))
            #expect(spanish.body.string.contains("Iniciar sesión"))
            let browser = TestBrowser(app)
            let switched = try await browser.post("/language", ["lang": "es", "back": "/crisis"], tokenFrom: "/signin")
            #expect(switched.location == "/crisis")
            let page = try await browser.get("/crisis")
            #expect(page.body.string.contains("<html lang=\"es\">"))
            #expect(page.body.string.contains("Ayuda ahora mismo"))
            let outside = try await browser.post(
                "/language", ["lang": "en", "back": "//evil.example"], tokenFrom: "/signin")
            #expect(outside.location == "/")
            #expect(try await browser.get("/signin").body.string.contains("<html lang=\"en\">"))
        }
    }

    @Test("the crisis line shows on every page, from the organization's settings")
    func crisisLine() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            admin.organization.crisisLine = "0800 123 456"
            try await admin.organization.save(on: app.db)
            #expect(try await app.testing().sendRequest(.GET, "/signin").body.string.contains("href=\"/crisis\""))
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            #expect(try await browser.get("/").body.string.contains("0800 123 456"))
            #expect(try await browser.get("/crisis").body.string.contains("tel:0800 123 456"))
        }
    }

    @Test("sign-in events are audited in an unbroken hash chain, and tampering is detected")
    func audit() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.post("/signin", ["email": admin.email, "password": "wrong one!"], tokenFrom: "/signin")
            try await browser.signIn(admin)
            try await browser.post("/signout", [:], tokenFrom: "/account/security")
            let events = try await AuditEvent.query(on: app.db).sort(\.$sequence).all()
            #expect(events.map(\.action) == ["signin.password", "signin", "signout"])
            #expect(events.map(\.outcome) == ["failure", "success", "success"])
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == nil)
            events[1].action = "something.else"
            try await events[1].save(on: app.db)
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == 2)
        }
    }

    @Test("SQLite runs with WAL, synchronous FULL, foreign keys and a busy timeout on every connection")
    func pragmas() async throws {
        guard ProcessInfo.processInfo.environment["TANDEM_TEST_DATABASE_URL"] == nil else { return }
        try await withTandem { app in
            struct Mode: Decodable { let journal_mode: String }
            struct Sync: Decodable { let synchronous: Int }
            struct Keys: Decodable { let foreign_keys: Int }
            struct Busy: Decodable { let timeout: Int }
            // One connection per event loop, and the writer.
            let connections =
                app.eventLoopGroup.makeIterator().map { app.databases.database(.sqlite, logger: app.logger, on: $0)! }
                + [app.writeDB]
            for db in connections {
                let sql = db as! any SQLDatabase
                let mode = try await sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)
                let sync = try await sql.raw("PRAGMA synchronous").first(decoding: Sync.self)
                let keys = try await sql.raw("PRAGMA foreign_keys").first(decoding: Keys.self)
                let busy = try await sql.raw("PRAGMA busy_timeout").first(decoding: Busy.self)
                #expect(mode?.journal_mode == "wal")
                #expect(sync?.synchronous == 2)
                #expect(keys?.foreign_keys == 1)
                #expect(busy?.timeout == 5000)
            }
        }
    }

    @Test("a nullable column reads its value or nil, and a column the statement lacks is an error")
    func nullableColumns() async throws {
        try await withTandem { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.raw("SELECT 7 AS seven, NULL AS absent, 'x' AS letter").first())
            #expect(try row.optional("seven", as: Int.self) == 7)
            #expect(try row.optional("letter", as: String.self) == "x")
            #expect(try row.optional("absent", as: Int.self) == nil)
            #expect(throws: MissingColumn.self) { try row.optional("misspelt", as: Int.self) }
        }
    }

    @Test("a refused form links back to the page it came from only when that page is this site's")
    func backLink() async throws {
        try await withTandem({ $0.baseURL = "https://tandem.example.org" }) { app in
            func back(referer: String, host: String) -> String? {
                let request = Request(
                    application: app, method: .POST, url: "/alerts/x/acknowledge",
                    headers: ["Referer": referer, "Host": host], on: app.eventLoopGroup.next())
                return TandemErrorMiddleware.back(request)
            }
            #expect(back(referer: "http://localhost:8080/alerts", host: "localhost:8080") == "/alerts")
            // Behind a proxy that passes on its own Host, the public address still counts.
            #expect(back(referer: "https://tandem.example.org/alerts?x=1", host: "10.0.0.5:8080") == "/alerts")
            #expect(back(referer: "https://elsewhere.example/alerts", host: "10.0.0.5:8080") == nil)
            #expect(back(referer: "not a url", host: "localhost:8080") == nil)
        }
    }

    @Test("migrations are safe to run twice")
    func migrateTwice() async throws {
        try await withTandem { app in
            try await app.prepareDatabase()
            #expect(try await Organization.query(on: app.db).count() == 0)
        }
    }
    @Test("models read by plain SQL read exactly the columns Fluent's own loading reads")
    func directColumnLoading() throws {
        func same<M: LoadsColumnsDirectly>(_ make: () -> M) throws {
            let byFluent = ColumnRecorder()
            try make().output(from: byFluent)
            let direct = ColumnRecorder()
            try make().loadColumns(from: direct)
            #expect(direct.asked.sorted() == byFluent.asked.sorted(), "\(M.self)")
            #expect(!direct.asked.isEmpty)
        }
        try same { WebSession() }
        try same { User() }
        try same { Membership() }
        try same { Organization() }
        try same { ApiToken() }
        try same { Participant() }
        try same { CheckIn() }
        try same { Engagement() }
    }
}

/// Notes every column a model asks for and says none is present, so loading changes nothing.
private final class ColumnRecorder: DatabaseOutput, @unchecked Sendable {
    var asked: [String] = []
    var description: String { "recorder" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool {
        asked.append(key.description)
        return false
    }
    func decodeNil(_ key: FieldKey) throws -> Bool { true }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        throw DecodingError.valueNotFound(T.self, .init(codingPath: [], debugDescription: "not recorded"))
    }
}
