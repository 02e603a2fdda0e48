import Fluent
import Foundation
import NIOCore
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Hardening: races, cross-site forms, redirects, credential changes")
struct HardeningTests {
    @Test("a cross-site form without cookies cannot sign anyone in (login CSRF)")
    func loginCSRF() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let body = "email=\(TestBrowser.encode(admin.email))&password=\(TestBrowser.encode(admin.password))"
            let response = try await app.testing().sendRequest(
                .POST, "/signin", headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .forbidden)
            #expect(response.headers[.setCookie].allSatisfy { !$0.hasPrefix(SessionMiddleware.cookieName + "=") })
            #expect(try await WebSession.query(on: app.db).count() == 0)
        }
    }

    @Test(
        "the language switch only goes back to plain local paths",
        arguments: [
            ("/crisis", "/crisis"), ("/\t/evil.example", "/"), ("//evil.example", "/"), ("https://evil.example", "/"),
            ("/\\evil.example", "/"), ("/a\nb", "/"), ("", "/"),
        ])
    func redirects(back: String, expected: String) async throws {
        #expect(LanguageController.safeLocalPath(back) == expected)
    }

    @Test("the same authenticator code sent twice at once is accepted once")
    func concurrentCode() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let (totp, codes) = try await TwoFactorTests.enable(browser)
            let user = try #require(try await User.find(admin.user.id, on: app.db))
            let code = totp.code(counter: try #require(user.totpLastCounter) + 1)
            for candidate in [code, try #require(codes.first)] {
                let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            let fresh = try #require(try await User.find(admin.user.id, on: app.db))
                            return try await TwoFactor(db: app.db).verify(user: fresh, code: candidate)
                        }
                    }
                    return try await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(results.filter { $0 }.count == 1, "\(candidate)")
            }
        }
    }

    @Test("concurrent failed sign-ins are all counted")
    func concurrentFailures() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let store = SigninThrottleStore(db: app.db)
            let keys = SigninThrottleStore.keys(email: admin.email, clientAddress: nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await store.count(keys.account) } }
                try await group.waitForAll()
            }
            let counter = try #require(try await SigninFailureCounter.query(on: app.db).first())
            #expect(counter.failures == 8)
            #expect(try await store.wait(for: keys) != nil)
        }
    }

    @Test("after a quiet hour the count starts again, and old failures hold nothing back")
    func quietPeriod() async throws {
        try await withTandem { app in
            let store = SigninThrottleStore(db: app.db)
            let keys = SigninThrottleStore.keys(email: "a@example.org", clientAddress: "192.0.2.1")
            try await SigninFailureCounter(
                key: keys.account, failures: 9, lastFailureAt: Date().addingTimeInterval(-7200)
            )
            .create(on: app.db)
            #expect(try await store.wait(for: keys) == nil)
            try await store.count(keys.account)
            #expect(try await SigninFailureCounter.query(on: app.db).first()?.failures == 1)
            try await store.count(keys.account)
            #expect(try await SigninFailureCounter.query(on: app.db).first()?.failures == 2)
        }
    }

    @Test("a client address gets twenty free failures across accounts, then waits")
    func clientAddress() async throws {
        try await withTandem { app in
            let store = SigninThrottleStore(db: app.db)
            for index in 0..<20 {
                let keys = SigninThrottleStore.keys(email: "u\(index)@example.org", clientAddress: "192.0.2.9")
                #expect(try await store.wait(for: keys) == nil)
                try await store.count("client:192.0.2.9")
            }
            let keys = SigninThrottleStore.keys(email: "new@example.org", clientAddress: "192.0.2.9")
            #expect(try await store.wait(for: keys) != nil)
        }
    }

    @Test("concurrent audit entries keep one unbroken chain, written in batches")
    func concurrentAudit() async throws {
        try await withTandem { app in
            // More than one batch's worth, all at once.
            let count = AuditLog.batchLimit + 100
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await app.tandem.audit.record(
                            "test.\(index)", actor: nil, organization: nil, requestID: nil, on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let events = try await AuditEvent.query(on: app.db).sort(\.$sequence).all()
            #expect(events.map(\.sequence) == Array(1...Int64(count)))
            #expect(Set(events.map(\.action)) == Set((0..<count).map { "test.\($0)" }))
            #expect(try await AuditLog.firstBrokenLink(on: app.db, batchSize: 7) == nil)
        }
    }

    @Test("entries appended by another process in between are followed, not overwritten")
    func auditAnotherWriter() async throws {
        try await withTandem { app in
            let ours = app.tandem.audit
            try await ours.record("test.first", actor: nil, organization: nil, requestID: nil, on: app.db)
            // Another process has its own writer, which knows nothing of ours.
            let theirs = AuditLog(usesPostgres: app.tandem.settings.usesPostgres)
            try await theirs.record("test.other", actor: nil, organization: nil, requestID: nil, on: app.db)
            try await theirs.record("test.other", actor: nil, organization: nil, requestID: nil, on: app.db)
            try await ours.record("test.second", actor: nil, organization: nil, requestID: nil, on: app.db)
            let events = try await AuditEvent.query(on: app.db).sort(\.$sequence).all()
            #expect(events.map(\.action) == ["test.first", "test.other", "test.other", "test.second"])
            #expect(events.map(\.sequence) == [1, 2, 3, 4])
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == nil)
        }
    }

    @Test("a password change revokes the person's API tokens")
    func passwordChangeRevokesTokens() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let token = try await APITests.token(app, admin)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            try await browser.post(
                "/account/password", ["current_password": testPassword, "new_password": "a fine new phrase"],
                tokenFrom: "/account/password")
            let me = try await app.testing().sendRequest(
                .GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(me.status == .unauthorized)
        }
    }

    @Test("staff of an organization that requires two-factor get no API token without it")
    func apiRequiresTwoFactor() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            admin.organization.requireStaffTwoFactor = true
            try await admin.organization.save(on: app.db)
            let response = try await APITests.post(
                app, "/api/v1/tokens", json: "{\"email\":\"\(admin.email)\",\"password\":\"\(admin.password)\"}")
            #expect(response.status == .forbidden)
            #expect(try await ApiToken.query(on: app.db).count() == 0)
        }
    }

    @Test("an admin cannot reset the password of someone who also belongs elsewhere; only the newest link works")
    func resetLimits() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let other = try await app.makeOrganization("Elsewhere", email: "other@example.org")
            try await Membership(userID: other.user.id!, organizationID: admin.organization.id!, role: .coach)
                .create(on: app.db)
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let shared = try #require(
                try await Membership.query(on: app.db).filter(\.$user.$id == other.user.id!)
                    .filter(\.$organization.$id == admin.organization.id!).first())
            let refused = try await browser.post("/admin/members/\(shared.id!)/reset", [:], tokenFrom: "/admin/members")
            #expect(refused.status == .conflict)
            #expect(try await OneTimeLink.query(on: app.db).count() == 0)

            let own = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == coach.user.id!).first())
            let first = try await browser.post("/admin/members/\(own.id!)/reset", [:], tokenFrom: "/admin/members")
            let firstLink = try #require(element("reset-link", in: first.body.string))
            let firstPath = try #require(URLComponents(string: firstLink)?.path)
            let second = try await browser.post("/admin/members/\(own.id!)/reset", [:], tokenFrom: "/admin/members")
            let secondLink = try #require(element("reset-link", in: second.body.string))
            let secondPath = try #require(URLComponents(string: secondLink)?.path)
            #expect(try await TestBrowser(app).get(firstPath).status == .notFound)
            #expect(try await TestBrowser(app).get(secondPath).status == .ok)
        }
    }

    @Test("/metrics can be closed with a token")
    func metricsToken() async throws {
        try await withTandem({ $0.metricsToken = "secret-metrics-token" }) { app in
            #expect(try await app.testing().sendRequest(.GET, "/metrics").status == .unauthorized)
            let ok = try await app.testing().sendRequest(
                .GET, "/metrics", headers: ["Authorization": "Bearer secret-metrics-token"])
            #expect(ok.status == .ok)
        }
    }
}
