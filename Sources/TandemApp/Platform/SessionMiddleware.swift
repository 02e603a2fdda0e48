import Fluent
import Foundation
import TandemKit
import Vapor

/// Finds the browser's session from its cookie and enforces the idle and absolute
/// timeouts (ASVS V7.3). An ended session is deleted and remembered on the request,
/// so the sign-in page can say why the person has to sign in again.
struct SessionMiddleware: AsyncMiddleware {
    static let cookieName = "tandem_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let secret = request.cookies[request.cookieName(Self.cookieName)]?.string, !secret.isEmpty else {
            return try await next.respond(to: request)
        }
        let settings = request.settings
        if let account = try await SessionAccount.find(.tokenHash(SecureToken.hash(secret)), on: request.db) {
            let session = account.session
            let now = Date()
            let idle = TimeInterval(settings.sessionIdleMinutes * 60)
            let absolute = TimeInterval(settings.sessionAbsoluteHours * 3600)
            if now.timeIntervalSince(session.lastSeenAt) > idle || now.timeIntervalSince(session.createdAt) > absolute {
                try await session.delete(on: request.db)
                request.sessionEnded = true
            } else {
                // Writing on every request would cost a write per page; a minute's
                // precision is plenty for a 30-minute idle timeout.
                if now.timeIntervalSince(session.lastSeenAt) > 60 {
                    session.lastSeenAt = now
                    try await session.save(on: request.writeDB)
                }
                request.webSession = session
                request.sessionAccount = account
            }
        } else {
            request.sessionEnded = true
        }
        let response = try await next.respond(to: request)
        if request.sessionEnded, request.webSession == nil, response.cookies[request.cookieName(Self.cookieName)] == nil
        {
            response.cookies[request.cookieName(Self.cookieName)] = SessionCookies.expired(
                secure: settings.secureCookies)
        }
        return response
    }
}

extension Request {
    /// Over https every cookie name takes the `__Host-` prefix, which browsers accept only
    /// for Secure, host-only cookies with path "/" (ASVS V3.3.1), so no subdomain or
    /// plain-http page can plant or overwrite them.
    func cookieName(_ base: String) -> String {
        settings.secureCookies ? "__Host-" + base : base
    }
}

enum SessionCookies {
    static func make(_ value: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: nil, domain: nil, path: "/", isSecure: secure, isHTTPOnly: true,
            sameSite: .lax)
    }

    static func expired(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/", isSecure: secure,
            isHTTPOnly: true, sameSite: .lax)
    }
}

private struct WebSessionKey: StorageKey {
    typealias Value = WebSession
}

private struct SessionAccountKey: StorageKey {
    typealias Value = SessionAccount
}

private struct SessionEndedKey: StorageKey {
    typealias Value = Bool
}

extension Request {
    var webSession: WebSession? {
        get { storage[WebSessionKey.self] }
        set { storage[WebSessionKey.self] = newValue }
    }

    /// The account read with the request's session, for the session it was read with.
    var sessionAccount: SessionAccount? {
        get { storage[SessionAccountKey.self] }
        set { storage[SessionAccountKey.self] = newValue }
    }

    /// The request carried a session cookie whose session has ended (timed out or signed out).
    var sessionEnded: Bool {
        get { storage[SessionEndedKey.self] ?? false }
        set { storage[SessionEndedKey.self] = newValue }
    }
}
