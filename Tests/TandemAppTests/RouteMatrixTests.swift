import Fluent
import Foundation
import Testing
import VaporTesting

@testable import TandemApp

/// Every route in the route table, tried by a visitor who is not signed in: only the
/// public ones may answer with a page; the rest must send them to sign in or refuse.
/// A new route is covered the day it is added.
@Suite("Authorization matrix")
struct RouteMatrixTests {
    /// Routes anyone may reach without signing in.
    static let publicRoutes: Set<String> = [
        "GET /signin", "POST /signin", "GET /signin/code", "POST /signin/code", "POST /signout", "GET /crisis",
        "POST /language", "GET /setup/:token", "POST /setup/:token", "GET /invite/:token", "POST /invite/:token",
        "GET /reset/:token", "POST /reset/:token", "GET /healthz", "GET /readyz", "GET /metrics",
        "GET /api/openapi.json", "POST /api/v1/tokens",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test("anonymous visitors get a redirect to sign in, 401 or 403, never data")
    func anonymous() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let membership = try #require(try await Membership.query(on: app.db).first())
            let routes = app.routes.all.filter { !Self.publicRoutes.contains(Self.key($0)) }
            #expect(routes.count >= 12)
            for route in routes {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return membership.id!.uuidString }
                        return component.description
                    }.joined(separator: "/")
                let browser = TestBrowser(app)
                let response: TestingHTTPResponse
                if route.method == .GET {
                    response = try await browser.get(path)
                } else if path.hasPrefix("/api/") {
                    response = try await browser.send(route.method, path)
                } else {
                    // With a valid pre-sign-in CSRF token, so the refusal comes from the access check.
                    response = try await browser.post(path, [:], tokenFrom: "/signin")
                }
                let key = Self.key(route)
                if path.hasPrefix("/api/") {
                    #expect(response.status == .unauthorized, "\(key)")
                } else {
                    #expect(
                        response.status == .seeOther && response.location == "/signin", "\(key) → \(response.status)")
                }
            }
            _ = admin
        }
    }

    @Test("a participant cannot reach any admin page or action")
    func participant() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let participant = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let membership = try #require(try await Membership.query(on: app.db).first())
            let browser = TestBrowser(app)
            try await browser.signIn(participant)
            let csrf = try await browser.token(from: "/")
            for route in app.routes.all where Self.key(route).contains("/admin/") {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return membership.id!.uuidString }
                        return component.description
                    }.joined(separator: "/")
                let response =
                    route.method == .GET ? try await browser.get(path) : try await browser.post(path, [:], csrf: csrf)
                #expect(response.status == .forbidden, "\(Self.key(route))")
            }
        }
    }
}
