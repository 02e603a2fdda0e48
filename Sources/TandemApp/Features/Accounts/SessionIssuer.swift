import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Starts and ends browser sessions. A new session id is issued at every step of
/// sign-in (ASVS V7.2) and every sign-out deletes the session in the database.
struct SessionIssuer {
    let request: Request

    /// Replaces any current session with a new one for `user`, and sets its cookie on `response`.
    func start(user: User, organizationID: UUID?, awaitingSecondFactor: Bool, response: Response) async throws {
        if let current = request.webSession {
            try await current.delete(on: request.db)
        }
        let secret = SecureToken.generate()
        let session = WebSession(
            tokenHash: SecureToken.hash(secret), userID: user.id!, organizationID: organizationID,
            csrfToken: SecureToken.generate(), awaitingSecondFactor: awaitingSecondFactor, now: Date())
        try await session.create(on: request.db)
        request.webSession = session
        response.cookies[request.cookieName(SessionMiddleware.cookieName)] = SessionCookies.make(
            secret, secure: request.settings.secureCookies)
        // Pages speak the account's language from the first one after joining, unless a
        // language was already chosen in this browser.
        if request.cookies[request.cookieName(Localizer.cookieName)] == nil {
            response.cookies[request.cookieName(Localizer.cookieName)] = LanguageController.cookie(
                user.language, secure: request.settings.secureCookies)
        }
    }

    func end(response: Response) async throws {
        if let current = request.webSession {
            try await current.delete(on: request.db)
            request.webSession = nil
        }
        response.cookies[request.cookieName(SessionMiddleware.cookieName)] = SessionCookies.expired(
            secure: request.settings.secureCookies)
    }

    /// After a password or second-factor change: ends every other session of the person
    /// (all of them when `keepingCurrent` is false) and revokes their API tokens, so a
    /// stolen session or token stops working (ASVS V7.4.3).
    func credentialsChanged(for userID: UUID, keepingCurrent: Bool = true) async throws {
        var query = WebSession.query(on: request.db).filter(\.$user.$id == userID)
        if keepingCurrent, let current = request.webSession?.id { query = query.filter(\.$id != current) }
        try await query.delete()
        try await ApiToken.query(on: request.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).update()
    }

    /// Moves the current session to another organization of the person's, in the caller's
    /// transaction `db`. What the session may do changes, so it gets a new id and form token
    /// (ASVS V7.2.4); it keeps its start, so the absolute timeout still counts from sign-in.
    /// A session ended meanwhile (signed out in another tab, ended by a password change, or
    /// moved already by a second press) is not replaced: the person signs in again.
    func move(to organizationID: UUID, response: Response, on db: any Database) async throws {
        guard let current = request.webSession, let id = current.id, let sql = db as? any SQLDatabase else {
            throw Abort.redirect(to: "/signin")
        }
        guard !(try await sql.raw("DELETE FROM web_sessions WHERE id = \(bind: id) RETURNING id").all().isEmpty)
        else { throw Abort.redirect(to: "/signin?ended=1") }
        let secret = SecureToken.generate()
        let session = WebSession(
            tokenHash: SecureToken.hash(secret), userID: current.$user.id, organizationID: organizationID,
            csrfToken: SecureToken.generate(), awaitingSecondFactor: false, now: Date())
        session.createdAt = current.createdAt
        try await session.create(on: db)
        request.webSession = session
        response.cookies[request.cookieName(SessionMiddleware.cookieName)] = SessionCookies.make(
            secret, secure: request.settings.secureCookies)
    }
}
