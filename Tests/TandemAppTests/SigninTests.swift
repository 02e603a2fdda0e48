import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Sign-in, sessions and CSRF")
struct SigninTests {
    @Test("the right password signs in with a new HttpOnly, SameSite session cookie")
    func signIn() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            let response = try await browser.signIn(admin)
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
            let cookie = try #require(browser.lastSetCookies[SessionMiddleware.cookieName])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Dana Admin"))
            #expect(home.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test("a page that asked for sign-in is where sign-in leads; never another site or the sign-in page")
    func next() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            for (asked, landed) in [
                ("/programs/abc", "/programs/abc"), ("//evil.example/x", "/"), ("https://evil.example", "/"),
                ("/signin", "/"), ("/\\evil.example", "/"),
            ] {
                let browser = TestBrowser(app)
                let page = try await browser.get(
                    "/signin?next=\(asked.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(page.body.string.contains("name=\"next\" value=\"\(asked)\"") == (landed != "/"), "\(asked)")
                let response = try await browser.post(
                    "/signin", ["email": admin.email, "password": admin.password, "next": asked], tokenFrom: "/signin")
                #expect(response.location == landed, "\(asked)")
            }
        }
    }

    @Test("the session id changes at every sign-in and the old one stops working")
    func renewal() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let first = try #require(browser.cookies[SessionMiddleware.cookieName])
            // Signing in again from a signed-in page (the sign-in form itself redirects home).
            try await browser.post("/signin", ["email": admin.email, "password": admin.password], tokenFrom: "/")
            let second = try #require(browser.cookies[SessionMiddleware.cookieName])
            #expect(first != second)
            let stale = TestBrowser(app)
            stale.cookies[SessionMiddleware.cookieName] = first
            let response = try await stale.get("/account/security")
            #expect(response.status == .seeOther)
            #expect(response.location == "/signin?ended=1")
        }
    }

    @Test("a wrong password and an unknown e-mail get the same answer, and no session")
    func wrongPassword() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            let wrong = try await browser.post(
                "/signin", ["email": admin.email, "password": "not the password"], tokenFrom: "/signin")
            let unknown = try await browser.post(
                "/signin", ["email": "nobody@example.org", "password": "not the password"], tokenFrom: "/signin")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.body.string.contains("The e-mail or password is not right"))
            #expect(unknown.body.string.contains("The e-mail or password is not right"))
            #expect(wrong.body.string.contains("class=\"error-summary\""))
            #expect(browser.cookies[SessionMiddleware.cookieName] == nil)
            #expect(try await WebSession.query(on: app.db).count() == 0)
        }
    }

    @Test("a form without its CSRF token is refused and changes nothing")
    func missingCSRF() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            _ = try await browser.get("/signin")
            let missing = try await browser.post("/signin", ["email": admin.email, "password": admin.password])
            #expect(missing.status == .forbidden)
            #expect(missing.body.string.contains("This form has expired or came from another site"))
            let wrong = try await browser.post(
                "/signin", ["email": admin.email, "password": admin.password], csrf: "forged-token-000000000000")
            #expect(wrong.status == .forbidden)
            #expect(try await WebSession.query(on: app.db).count() == 0)

            try await browser.signIn(admin)
            let signedIn = try await browser.post("/admin/settings", ["name": "Changed", "crisis_line": "988"])
            #expect(signedIn.status == .forbidden)
            let org = try #require(try await Organization.find(admin.organization.id, on: app.db))
            #expect(org.name == "Riverbend")
        }
    }

    @Test("after five failures the account is held back, even with the right password")
    func throttle() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            for _ in 0..<5 {
                let response = try await browser.post(
                    "/signin", ["email": admin.email, "password": "wrong wrong wrong"], tokenFrom: "/signin")
                #expect(response.status == .unauthorized)
            }
            // The hold after the fifth failure is two seconds from it; on a loaded machine the
            // failures themselves can take longer, so the last one is dated now.
            try await SigninFailureCounter.query(on: app.db).set(\.$lastFailureAt, to: Date()).update()
            let held = try await browser.signIn(admin)
            #expect(held.status == .tooManyRequests)
            #expect(held.body.string.contains("Too many attempts"))
        }
    }

    @Test("signing out ends the session in the database")
    func signOut() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let cookie = try #require(browser.cookies[SessionMiddleware.cookieName])
            let out = try await browser.post("/signout", [:], tokenFrom: "/")
            #expect(out.status == .seeOther)
            #expect(out.location == "/signin?signedout=1")
            #expect(try await WebSession.query(on: app.db).count() == 0)
            let replay = TestBrowser(app)
            replay.cookies[SessionMiddleware.cookieName] = cookie
            #expect(try await replay.get("/").location == "/signin?ended=1")
            #expect(try await app.testing().sendRequest(.GET, "/signout").status == .notFound)
        }
    }

    @Test("an idle or too old session is refused with a clear message", arguments: ["idle", "absolute"])
    func expiredSession(kind: String) async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let session = try #require(try await WebSession.query(on: app.db).first())
            if kind == "idle" {
                session.lastSeenAt = Date().addingTimeInterval(-31 * 60)
            } else {
                session.createdAt = Date().addingTimeInterval(-13 * 3600)
            }
            try await session.save(on: app.db)
            let response = try await browser.get("/account/security")
            #expect(response.status == .seeOther)
            #expect(response.location == "/signin?ended=1")
            let page = try await browser.get("/signin?ended=1")
            #expect(page.body.string.contains("Your session ended"))
            #expect(try await WebSession.query(on: app.db).count() == 0)
        }
    }

    @Test("the timeouts follow the settings")
    func configurableTimeout() async throws {
        try await withTandem({ $0.sessionIdleMinutes = 5 }) { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let session = try #require(try await WebSession.query(on: app.db).first())
            session.lastSeenAt = Date().addingTimeInterval(-6 * 60)
            try await session.save(on: app.db)
            #expect(try await browser.get("/").location == "/signin?ended=1")
        }
    }

    @Test("cookies are Secure and HSTS is sent when the base URL is https")
    func secureCookies() async throws {
        try await withTandem({ $0.baseURL = "https://tandem.example.org" }) { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            let response = try await browser.signIn(admin)
            let cookie = try #require(browser.lastSetCookies["__Host-" + SessionMiddleware.cookieName])
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
            #expect(try await browser.get("/").status == .ok)
            #expect(response.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
        }
    }
}
