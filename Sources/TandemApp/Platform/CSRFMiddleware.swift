import Foundation
import TandemKit
import Vapor

/// Refuses any state-changing request made with the browser's cookies unless it carries
/// the page's CSRF token (ASVS V3.5): in the `_csrf` form field or the `X-CSRF-Token`
/// header. Signed in, the token belongs to the session; before sign-in, to a cookie
/// (double submit), which also guards the sign-in form itself.
/// Only API requests that carry no cookie at all (clients with a bearer token) pass
/// without it: they hold no ambient authority. Every other unsafe request needs it, with
/// or without cookies, so a cross-site form cannot sign a person into someone else's
/// account (login CSRF), even though SameSite=Lax cookies are not sent with it.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "tandem_csrf"
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if [.GET, .HEAD, .OPTIONS].contains(request.method) {
            return try await next.respond(to: request)
        }
        if request.url.path.hasPrefix("/api/"), request.headers.first(name: .cookie) == nil {
            return try await next.respond(to: request)
        }
        // A follower's unsubscribe link is its own authority (a secret that can do nothing
        // else), and a mail program's one-click button (RFC 8058) posts it with no page.
        if request.method == .POST, request.url.path.hasPrefix("/unsubscribe/") {
            return try await next.respond(to: request)
        }
        let expected = request.webSession?.csrfToken ?? request.cookies[request.cookieName(Self.cookieName)]?.string
        var supplied = request.headers.first(name: Self.headerName)
        if supplied == nil {
            supplied = try await Self.formToken(request)
        }
        guard let expected, let supplied, !expected.isEmpty, constantTimeEquals(expected, supplied) else {
            request.logger.notice(
                "CSRF token missing or wrong", metadata: ["path": .string(request.route?.description ?? "")])
            throw Abort(.forbidden, reason: "csrf")
        }
        return try await next.respond(to: request)
    }

    static func formToken(_ request: Request) async throws -> String? {
        guard let type = request.headers.contentType,
            type == .urlEncodedForm || type == .formData
        else { return nil }
        // Route handlers collect the body after global middleware; collect it here so the
        // token can be read, bounded by the same limit.
        _ = try await request.body.collect(max: request.settings.maxBodyBytes).get()
        return try? request.content.get(String.self, at: fieldName)
    }
}

extension Request {
    /// The token to put in this page's forms, creating the pre-sign-in cookie when needed.
    func csrfToken() -> String {
        if let session = webSession { return session.csrfToken }
        if let existing = cookies[cookieName(CSRFMiddleware.cookieName)]?.string, existing.count >= 20 {
            return existing
        }
        if let fresh = storage[FreshCSRFKey.self] { return fresh }
        let fresh = SecureToken.generate()
        storage[FreshCSRFKey.self] = fresh
        return fresh
    }

    /// A pre-sign-in token made during this request, still to be set as a cookie.
    var freshCSRFToken: String? { storage[FreshCSRFKey.self] }
}

private struct FreshCSRFKey: StorageKey {
    typealias Value = String
}

/// Sets the pre-sign-in CSRF cookie when a page made a fresh token.
struct CSRFCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let fresh = request.freshCSRFToken {
            response.cookies[request.cookieName(CSRFMiddleware.cookieName)] = SessionCookies.make(
                fresh, secure: request.settings.secureCookies)
        }
        return response
    }
}
