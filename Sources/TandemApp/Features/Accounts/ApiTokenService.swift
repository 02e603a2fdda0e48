import Fluent
import Foundation
import SQLKit

/// A person's API tokens: those still in use, and taking one back. The security page and the
/// API list and revoke by this one rule; each audits in its own context.
struct ApiTokenService {
    let db: any Database
    let userID: UUID

    /// Tokens neither revoked nor expired, newest first.
    func inUse(now: Date = Date()) async throws -> [ApiToken] {
        try await ApiToken.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
    }

    /// The person's own token, while it is not revoked; nil for anyone else's or an unknown id.
    func revocable(_ id: UUID) async throws -> ApiToken? {
        try await ApiToken.query(on: db).filter(\.$id == id).filter(\.$user.$id == userID)
            .filter(\.$revokedAt == nil).first()
    }

    /// Whether the id names a token of this person at all, revoked or not.
    func owns(_ id: UUID) async throws -> Bool {
        try await ApiToken.query(on: db).filter(\.$id == id).filter(\.$user.$id == userID).count() > 0
    }

    /// Revokes the token unless it already is; false when another request got there first, so
    /// only one revocation is audited.
    func revoke(_ token: ApiToken, now: Date = Date()) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else {
            token.revokedAt = now
            try await token.save(on: db)
            return true
        }
        return
            !(try await sql.raw(
                """
                UPDATE api_tokens SET revoked_at = \(bind: now) WHERE id = \(bind: token.id!) \
                AND user_id = \(bind: userID) AND revoked_at IS NULL RETURNING id
                """
            ).all()).isEmpty
    }
}
