import Fluent
import Foundation
import NIOCore
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Runs `body` against a fresh Tandem: a new SQLite file in a temporary folder, or, when
/// TANDEM_TEST_DATABASE_URL is set, a new schema on that PostgreSQL server.
func withTandem(
    _ adjust: (inout Settings) -> Void = { _ in }, _ body: (Application) async throws -> Void
) async throws {
    var settings = Settings()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-test-\(UUID().uuidString)").path
    settings.dataDirectory = folder
    let postgresURL = ProcessInfo.processInfo.environment["TANDEM_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    if let postgresURL {
        settings.databaseURL = postgresURL
        // Many tests run at once, each with its own pool: keep each pool small.
        settings.databaseConnectionsPerLoop = 1
        settings.databaseSchema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
    adjust(&settings)
    let app = try await Application.make(.testing)
    var failure: (any Error)?
    do {
        try await configure(app, settings: settings)
        if let schema = settings.databaseSchema, postgresURL != nil {
            try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.prepareDatabase()
        try await body(app)
    } catch {
        failure = error
    }
    if let schema = settings.databaseSchema, postgresURL != nil {
        try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: folder)
    if let failure { throw failure }
}

/// A strong password for test accounts.
let testPassword = "tandem test pass phrase 7"

struct Account {
    let organization: Organization
    let user: User
    let email: String
    let password: String
}

extension Application {
    /// Creates an organization with its admin directly through the service.
    func makeOrganization(_ name: String = "Riverbend", email: String = "admin@example.org") async throws -> Account {
        let service = AccountService(db: db, hasher: password.async, settings: tandemSettings)
        let (organization, user) = try await service.createOrganization(
            name: name, adminName: "Dana Admin", email: email, password: testPassword)
        return Account(organization: organization, user: user, email: email, password: testPassword)
    }

    /// Adds a member with `role` to `organization`.
    func addMember(_ role: Role, to organization: Organization, email: String) async throws -> Account {
        let user = User(
            email: email, displayName: "Member \(role.rawValue)",
            passwordHash: try await password.async.hash(PasswordDigest.prepare(testPassword)))
        try await user.create(on: db)
        try await Membership(userID: user.id!, organizationID: organization.id!, role: role).create(on: db)
        return Account(organization: organization, user: user, email: email, password: testPassword)
    }
}

/// A browser-like client: keeps cookies and reads CSRF tokens from pages.
final class TestBrowser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var lastSetCookies: [String: String] = [:]

    init(_ app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers)
    }

    /// Posts a form, with the CSRF token of `tokenFrom` (a page to load first) unless `csrf` is given.
    @discardableResult
    func post(
        _ path: String, _ fields: [String: String], tokenFrom page: String? = nil, csrf: String? = nil,
        headers: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var fields = fields
        if let csrf {
            fields["_csrf"] = csrf
        } else if let page {
            fields["_csrf"] = try await token(from: page)
        }
        var headers = headers
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a form whose fields may repeat (checkbox groups), with the token of `tokenFrom`.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)], tokenFrom page: String) async throws -> TestingHTTPResponse {
        let all = pairs + [("_csrf", try await token(from: page))]
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    func token(from page: String) async throws -> String {
        let response = try await get(page)
        return try #require(Self.csrf(in: response.body.string), "no CSRF token on \(page)")
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws
        -> TestingHTTPResponse
    {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        lastSetCookies = [:]
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            lastSetCookies[name] = header
            if value.isEmpty || header.lowercased().contains("max-age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        return response
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Signs in with e-mail and password; expects the redirect.
    @discardableResult
    func signIn(_ account: Account) async throws -> TestingHTTPResponse {
        try await post("/signin", ["email": account.email, "password": account.password], tokenFrom: "/signin")
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
}

/// Pulls the text of the element with `id` out of a page (simple, for our own markup).
func element(_ id: String, in html: String) -> String? {
    guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
    guard let open = html[start.upperBound...].firstIndex(of: ">") else { return nil }
    let after = html.index(after: open)
    guard let close = html[after...].range(of: "</") else { return nil }
    return String(html[after..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The markup of the list with `id`, up to its closing tag; empty when the page has no such list.
func listSection(_ id: String, in html: String) -> String {
    guard let start = html.range(of: "id=\"\(id)\""),
        let end = html[start.upperBound...].range(of: "</ul>")
    else { return "" }
    return String(html[start.upperBound..<end.lowerBound])
}

extension TestBrowser {
    /// A new browser already signed in as `account`.
    static func signedIn(_ app: Application, _ account: Account) async throws -> TestBrowser {
        let browser = TestBrowser(app)
        try await browser.signIn(account)
        return browser
    }
}
