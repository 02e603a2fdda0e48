import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Two-factor sign-in")
struct TwoFactorTests {
    /// Turns two-factor on through the pages; returns the secret and the recovery codes.
    static func enable(_ browser: TestBrowser) async throws -> (TandemKit.TOTP, [String]) {
        let intro = try await browser.get("/account/two-factor")
        #expect(!intro.body.string.contains("id=\"totp-secret\""))
        let page = try await browser.post(
            "/account/two-factor/start", [:], csrf: try #require(TestBrowser.csrf(in: intro.body.string)))
        let shown = try #require(element("totp-secret", in: page.body.string))
        #expect(page.body.string.contains("href=\"otpauth://totp/"))
        let totp = TandemKit.TOTP(secret: try #require(Base32.decode(shown)))
        let csrf = try #require(TestBrowser.csrf(in: page.body.string))
        let confirmed = try await browser.post("/account/two-factor", ["code": totp.code(at: Date())], csrf: csrf)
        #expect(confirmed.status == .ok)
        let html = confirmed.body.string
        let list = try #require(html.range(of: "id=\"recovery-codes\"").map { html[$0.upperBound...] })
        let codes = list.components(separatedBy: "<li>").dropFirst().compactMap {
            $0.components(separatedBy: "</li>").first
        }
        return (totp, Array(codes.prefix(10)))
    }

    @Test("set-up shows the secret and link, confirms with a code and gives ten recovery codes")
    func setUp() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            try await browser.post("/account/two-factor/start", [:], tokenFrom: "/account/two-factor")
            let wrong = try await browser.post(
                "/account/two-factor", ["code": "000000"], tokenFrom: "/account/two-factor")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("id=\"totp-secret\""))
            let (_, codes) = try await Self.enable(browser)
            #expect(codes.count == 10)
            #expect(try await User.find(admin.user.id, on: app.db)?.twoFactorEnabled == true)
            #expect(try await RecoveryCode.query(on: app.db).count() == 10)
        }
    }

    @Test("sign-in then asks for a code; a code already used is refused")
    func signInWithCode() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let first = TestBrowser(app)
            try await first.signIn(admin)
            let (totp, _) = try await Self.enable(first)
            // The code that confirmed set-up is spent; the next step's code is inside the
            // ±1 step window already, so the test needs no waiting.
            let user = try #require(try await User.find(admin.user.id, on: app.db))
            let next = try #require(user.totpLastCounter) + 1
            let code = totp.code(counter: next)
            let browser = TestBrowser(app)
            let step1 = try await browser.signIn(admin)
            #expect(step1.location == "/signin/code")
            #expect(try await browser.get("/").location == "/signin/code")
            let before = try #require(browser.cookies[SessionMiddleware.cookieName])
            let ok = try await browser.post("/signin/code", ["code": code], tokenFrom: "/signin/code")
            #expect(ok.location == "/")
            #expect(browser.cookies[SessionMiddleware.cookieName] != before)
            let again = TestBrowser(app)
            try await again.signIn(admin)
            let reused = try await again.post("/signin/code", ["code": code], tokenFrom: "/signin/code")
            #expect(reused.status == .unauthorized)
            #expect(reused.body.string.contains("already used"))
        }
    }

    @Test("after waiting out earlier failures, the right password does not make the code step wait again")
    func throttledThenRight() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let first = TestBrowser(app)
            try await first.signIn(admin)
            let (totp, _) = try await Self.enable(first)
            // Five wrong attempts, the wait they asked for long over.
            let keys = SigninThrottleStore.keys(email: admin.email, clientAddress: nil)
            try await SigninFailureCounter(
                key: keys.account, failures: 5, lastFailureAt: Date().addingTimeInterval(-600)
            ).create(on: app.db)
            let user = try #require(try await User.find(admin.user.id, on: app.db))
            let code = totp.code(counter: try #require(user.totpLastCounter) + 1)
            let browser = TestBrowser(app)
            #expect(try await browser.signIn(admin).location == "/signin/code")
            let counter = try await SigninFailureCounter.query(on: app.db).filter(\.$key == keys.account).first()
            #expect(counter?.failures == 5)
            let ok = try await browser.post("/signin/code", ["code": code], tokenFrom: "/signin/code")
            #expect(ok.location == "/")
            #expect(try await SigninFailureCounter.query(on: app.db).filter(\.$key == keys.account).count() == 0)
        }
    }

    @Test("a reused code is refused even within its time window")
    func replay() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let (totp, _) = try await Self.enable(browser)
            let user = try #require(try await User.find(admin.user.id, on: app.db))
            let spent = try #require(user.totpLastCounter)
            let again = TestBrowser(app)
            try await again.signIn(admin)
            let response = try await again.post(
                "/signin/code", ["code": totp.code(counter: spent)], tokenFrom: "/signin/code")
            #expect(response.status == .unauthorized)
            #expect(try await again.get("/").location == "/signin/code")
        }
    }

    @Test("a recovery code works once")
    func recoveryCode() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let (_, codes) = try await Self.enable(browser)
            let code = try #require(codes.first)
            let second = TestBrowser(app)
            try await second.signIn(admin)
            let ok = try await second.post("/signin/code", ["code": code.uppercased()], tokenFrom: "/signin/code")
            #expect(ok.location == "/")
            let third = TestBrowser(app)
            try await third.signIn(admin)
            let reused = try await third.post("/signin/code", ["code": code], tokenFrom: "/signin/code")
            #expect(reused.status == .unauthorized)
        }
    }

    @Test("an organization can require two-factor sign-in for staff, not for participants")
    func required() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let participant = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let org = admin.organization
            org.requireStaffTwoFactor = true
            try await org.save(on: app.db)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            #expect(try await browser.get("/").location == "/account/two-factor?required=1")
            let page = try await browser.get("/account/two-factor?required=1")
            #expect(page.body.string.contains("Your organization asks staff to use two-factor sign-in"))
            _ = try await Self.enable(browser)
            #expect(try await browser.get("/").status == .ok)
            let person = TestBrowser(app)
            try await person.signIn(participant)
            #expect(try await person.get("/").status == .ok)
        }
    }
}

@Suite("Two-factor sign-in: turning it off")
struct TwoFactorDisableTests {
    @Test("turning two-factor off needs the current password, and is refused where it is required")
    func disable() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            _ = try await TwoFactorTests.enable(browser)
            let wrong = try await browser.post(
                "/account/two-factor/disable", ["current_password": "not it at all"], tokenFrom: "/account/two-factor")
            #expect(wrong.status == .unprocessableEntity)
            #expect(try await User.find(admin.user.id, on: app.db)?.twoFactorEnabled == true)

            admin.organization.requireStaffTwoFactor = true
            try await admin.organization.save(on: app.db)
            let required = try await browser.post(
                "/account/two-factor/disable", ["current_password": testPassword], tokenFrom: "/account/two-factor")
            #expect(required.status == .forbidden)

            admin.organization.requireStaffTwoFactor = false
            try await admin.organization.save(on: app.db)
            let done = try await browser.post(
                "/account/two-factor/disable", ["current_password": testPassword], tokenFrom: "/account/two-factor")
            #expect(done.location == "/account/security")
            #expect(try await User.find(admin.user.id, on: app.db)?.twoFactorEnabled == false)
            #expect(try await RecoveryCode.query(on: app.db).count() == 0)
        }
    }
}
