import Fluent
import Foundation
import NIOCore
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("JSON API")
struct APITests {
    static func post(_ app: Application, _ path: String, json: String, headers: HTTPHeaders = [:]) async throws
        -> TestingHTTPResponse
    {
        var headers = headers
        if headers.contentType == nil { headers.contentType = .json }
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: json))
    }

    static func token(_ app: Application, _ account: Account, totp: String? = nil) async throws -> String {
        let extra = totp.map { ",\"totp\":\"\($0)\"" } ?? ""
        let response = try await post(
            app, "/api/v1/tokens", json: "{\"email\":\"\(account.email)\",\"password\":\"\(account.password)\"\(extra)}"
        )
        #expect(response.status == .created)
        struct NewToken: Decodable { let token: String }
        return try JSONDecoder().decode(NewToken.self, from: Data(response.body.readableBytesView)).token
    }

    static func problem(_ response: TestingHTTPResponse) throws -> [String: Any] {
        #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
        return try #require(
            try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("a token from e-mail and password reads /me with its memberships")
    func tokenAndMe() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            _ = try await app.makeOrganization("Second Org", email: "admin@example.org")
            let token = try await Self.token(app, admin)
            #expect(token.hasPrefix("tdm_"))
            let me = try await app.testing().sendRequest(
                .GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(me.status == .ok)
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(me.body.readableBytesView)) as? [String: Any])
            #expect(body["email"] as? String == admin.email)
            let memberships = try #require(body["memberships"] as? [[String: Any]])
            #expect(memberships.count == 2)
            #expect(memberships.allSatisfy { $0["role"] as? String == "admin" })
            let stored = try #require(try await ApiToken.query(on: app.db).first())
            #expect(stored.tokenHash == SecureToken.hash(token))
        }
    }

    @Test("a token's last use is written after the request, together with others, and at shutdown")
    func tokenLastUse() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let first = try await Self.token(app, admin)
            let second = try await Self.token(app, admin)
            let before = Date()
            for token in [first, second] {
                let me = try await app.testing().sendRequest(
                    .GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
                #expect(me.status == .ok)
            }
            // Written together a moment later; here, at once.
            try await app.tandem.tokenUse.flush(on: app.writeDB)
            let used = try await ApiToken.query(on: app.db).all()
            #expect(used.count == 2)
            for token in used {
                let when = try #require(token.lastUsedAt)
                #expect(abs(when.timeIntervalSince(before)) < 60)
            }
            // What is still waiting when the application stops is written then.
            let third = try await Self.token(app, admin)
            _ = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(third)"])
            await TokenUseFlush().shutdownAsync(app)
            let stored = try #require(
                try await ApiToken.query(on: app.db).filter(\.$tokenHash == SecureToken.hash(third)).first())
            #expect(stored.lastUsedAt != nil)
        }
    }

    @Test("wrong credentials and missing or bad tokens get 401 problems")
    func unauthorized() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let wrong = try await Self.post(
                app, "/api/v1/tokens", json: "{\"email\":\"\(admin.email)\",\"password\":\"wrong password\"}")
            #expect(wrong.status == .unauthorized)
            #expect(try Self.problem(wrong)["status"] as? Int == 401)
            let none = try await app.testing().sendRequest(.GET, "/api/v1/me")
            #expect(none.status == .unauthorized)
            #expect(none.headers.first(name: .wwwAuthenticate) == "Bearer")
            _ = try Self.problem(none)
            let bogus = try await app.testing().sendRequest(
                .GET, "/api/v1/me", headers: ["Authorization": "Bearer tdm_nope"])
            #expect(bogus.status == .unauthorized)
        }
    }

    @Test("a revoked token stops working at once, from the API or the security page")
    func revoked() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let token = try await Self.token(app, admin)
            let auth: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            let stored = try #require(try await ApiToken.query(on: app.db).first())
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let page = try await browser.get("/account/security")
            let confirm = "/account/tokens/\(stored.id!)/revoke"
            #expect(page.body.string.contains("href=\"\(confirm)\""))
            // The danger button asks first, naming the token, and changes nothing by asking.
            let asked = try await browser.get(confirm)
            #expect(
                asked.status == .ok
                    && element("revoke-token-intro", in: asked.body.string)?.contains("API token") == true)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: auth).status == .ok)
            // Another person's token is not found, asked or revoked.
            let stranger = try await app.makeOrganization("Other Org", email: "other@example.org")
            let other = try await TestBrowser.signedIn(app, stranger)
            #expect(try await other.get(confirm).status == .notFound)
            #expect(try await other.post(confirm, [:], tokenFrom: "/account/security").status == .notFound)
            let revoke = try await browser.post(confirm, [:], tokenFrom: confirm)
            #expect(revoke.status == .seeOther)
            // A second press leads back to the security page, with nothing more written.
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "api_token.revoke").count()
            #expect(audited == 1)
            let again = try await browser.post(confirm, [:], tokenFrom: "/account/security")
            #expect(again.status == .seeOther && again.location == "/account/security")
            #expect(try await browser.get(confirm).location == "/account/security")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "api_token.revoke").count() == audited)
            let after = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: auth)
            #expect(after.status == .unauthorized)
            #expect(try Self.problem(after)["detail"] as? String == "The token is unknown, expired or revoked.")

            let second = try await Self.token(app, admin)
            let list = try await app.testing().sendRequest(
                .GET, "/api/v1/tokens", headers: ["Authorization": "Bearer \(second)"])
            #expect(list.status == .ok)
            let id = try #require(try await ApiToken.query(on: app.db).filter(\.$revokedAt == nil).first()?.id)
            let deleted = try await app.testing().sendRequest(
                .DELETE, "/api/v1/tokens/\(id)", headers: ["Authorization": "Bearer \(second)"])
            #expect(deleted.status == .noContent)
            #expect(
                try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(second)"])
                    .status == .unauthorized)
        }
    }

    @Test("an expired token is refused")
    func expired() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let token = try await Self.token(app, admin)
            let stored = try #require(try await ApiToken.query(on: app.db).first())
            stored.expiresAt = Date().addingTimeInterval(-1)
            try await stored.save(on: app.db)
            #expect(
                try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
                    .status == .unauthorized)
        }
    }

    @Test("malformed JSON, missing fields, wrong types, wrong media type and oversize bodies get clear 4xx")
    func badInput() async throws {
        try await withTandem({ $0.maxBodyBytes = 2048 }) { app in
            let malformed = try await Self.post(app, "/api/v1/tokens", json: "{\"email\": ")
            #expect(malformed.status == .badRequest)
            #expect(try Self.problem(malformed)["title"] != nil)

            let missing = try await Self.post(app, "/api/v1/tokens", json: "{\"email\":\"a@example.org\"}")
            #expect(missing.status == .badRequest)
            let fields = try #require(try Self.problem(missing)["errors"] as? [[String: Any]])
            #expect(fields.first?["field"] as? String == "password")

            let wrongType = try await Self.post(app, "/api/v1/tokens", json: "{\"email\":5,\"password\":\"x\"}")
            #expect(wrongType.status == .badRequest)
            let typeFields = try #require(try Self.problem(wrongType)["errors"] as? [[String: Any]])
            #expect(typeFields.first?["field"] as? String == "email")

            let empty = try await Self.post(app, "/api/v1/tokens", json: "{\"email\":\"\",\"password\":\"\"}")
            #expect(empty.status == .unprocessableEntity)

            let text = try await Self.post(
                app, "/api/v1/tokens", json: "email=a", headers: ["Content-Type": "text/plain"])
            #expect((400..<500).contains(text.status.code))
            _ = try Self.problem(text)

            let big = "{\"email\":\"a@example.org\",\"password\":\"" + String(repeating: "x", count: 4000) + "\"}"
            let oversize = try await Self.post(app, "/api/v1/tokens", json: big)
            #expect(oversize.status == .payloadTooLarge)
            _ = try Self.problem(oversize)
            #expect(try await ApiToken.query(on: app.db).count() == 0)
        }
    }

    @Test("with two-factor on, a token needs a fresh code")
    func twoFactor() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let (totp, _) = try await TwoFactorTests.enable(browser)
            let without = try await Self.post(
                app, "/api/v1/tokens", json: "{\"email\":\"\(admin.email)\",\"password\":\"\(admin.password)\"}")
            #expect(without.status == .unauthorized)
            let fields = try #require(try Self.problem(without)["errors"] as? [[String: Any]])
            #expect(fields.first?["field"] as? String == "totp")
            let user = try #require(try await User.find(admin.user.id, on: app.db))
            let next = try #require(user.totpLastCounter) + 1
            _ = try await Self.token(app, admin, totp: totp.code(counter: next))
            let replay = try await Self.post(
                app, "/api/v1/tokens",
                json:
                    "{\"email\":\"\(admin.email)\",\"password\":\"\(admin.password)\",\"totp\":\"\(totp.code(counter: next))\"}"
            )
            #expect(replay.status == .unauthorized)
        }
    }

    @Test("the OpenAPI document is served as OpenAPI 3.1 and lists the operations")
    func document() async throws {
        try await withTandem { app in
            let response = try await app.testing().sendRequest(.GET, "/api/openapi.json")
            #expect(response.status == .ok)
            let doc = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: Any])
            #expect(
                Set(paths.keys) == [
                    "/tokens", "/tokens/{tokenId}", "/me", "/participants", "/participants/{participantId}",
                    "/participants/{participantId}/access-history", "/participants/{participantId}/engagements",
                    "/engagements", "/engagements/{engagementId}", "/engagements/{engagementId}/status",
                    "/engagements/{engagementId}/coaches", "/engagements/{engagementId}/agreement",
                    "/engagements/{engagementId}/signatures", "/participants/{participantId}/check-ins",
                    "/participants/{participantId}/check-ins/{checkInId}/follow-up",
                    "/participants/{participantId}/check-ins.csv", "/participants/{participantId}/fhir",
                    "/participants/{participantId}/plan", "/participants/{participantId}/plan/signatures",
                    "/participants/{participantId}/recovery-capital", "/participants/{participantId}/notes",
                    "/notes-to-review", "/notes/{noteId}", "/notes/{noteId}/signature", "/notes/{noteId}/addenda",
                    "/notes/{noteId}/review", "/participants/{participantId}/appointments",
                    "/appointments/{appointmentId}",
                    "/appointments/{appointmentId}/reschedule", "/appointments/{appointmentId}/cancel",
                    "/appointments/{appointmentId}/outcome", "/appointments/{appointmentId}/ics", "/outreach",
                    "/participants/{participantId}/outreach-attempts", "/billing/export", "/reports/services",
                    "/reports/retention", "/reports/recovery-capital", "/meetings", "/meetings/{meetingId}",
                    "/meeting-sources", "/resources", "/resources/{resourceId}",
                    "/participants/{participantId}/referrals", "/referrals/{referralId}",
                    "/referrals/{referralId}/steps", "/referral-follow-ups", "/own-meetings",
                    "/own-meetings/{meetingId}", "/participants/{participantId}/consents", "/consents/{consentId}",
                    "/consents/{consentId}/revocation", "/consents/{consentId}/disclosures",
                    "/participants/{participantId}/disclosures", "/shared/{participantId}",
                    "/participants/{participantId}/data-export", "/alerts", "/alerts/{alertId}/acknowledgement",
                    "/participants/{participantId}/help-requests", "/threads", "/threads/{engagementId}/messages",
                    "/handoffs", "/handoffs/{handoffId}", "/handoffs/{handoffId}/acceptance",
                    "/handoffs/{handoffId}/decline", "/handoffs/{handoffId}/withdrawal", "/programs",
                    "/programs/{programId}", "/programs/{programId}/enrollments", "/programs/{programId}/coach-request",
                    "/program-enrollments/{enrollmentId}/payment", "/program-enrollments/{enrollmentId}/coach",
                    "/participants/{participantId}/trips", "/trips", "/trips/{tripId}", "/trips/{tripId}/escorts",
                    "/trips/{tripId}/cancellation", "/trips/{tripId}/log", "/engagements/{engagementId}/coverage",
                    "/engagements/{engagementId}/shifts", "/engagements/{engagementId}/summary", "/shifts",
                    "/shifts/{shiftId}", "/shifts/{shiftId}/log", "/shifts/{shiftId}/handover",
                ])
        }
    }

    @Test("unknown API paths answer with a problem document")
    func notFound() async throws {
        try await withTandem { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/nothing-here")
            #expect(response.status == .notFound)
            _ = try Self.problem(response)
        }
    }
}

@Suite("JSON API: methods")
struct APIMethodTests {
    @Test("a known API path asked with another method gets 405 and the methods it has")
    func methodNotAllowed() async throws {
        try await withTandem { app in
            let response = try await app.testing().sendRequest(.PUT, "/api/v1/me")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers.first(name: .allow) == "GET")
            _ = try APITests.problem(response)
            let tokens = try await app.testing().sendRequest(.PATCH, "/api/v1/tokens/\(UUID())")
            #expect(tokens.status == .methodNotAllowed)
            #expect(tokens.headers.first(name: .allow) == "DELETE")
        }
    }
}
