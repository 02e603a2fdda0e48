import Fluent
import Foundation

/// A browser session, kept in the database so any process can serve it and sign-out
/// takes effect everywhere. The cookie holds a random secret; only its hash is stored.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @OptionalParent(key: "organization_id") var organization: Organization?
    @Field(key: "csrf_token") var csrfToken: String
    /// True between a correct password and a correct second factor.
    @Field(key: "awaiting_second_factor") var awaitingSecondFactor: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}

    init(
        tokenHash: String, userID: UUID, organizationID: UUID?, csrfToken: String, awaitingSecondFactor: Bool, now: Date
    ) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.$organization.id = organizationID
        self.csrfToken = csrfToken
        self.awaitingSecondFactor = awaitingSecondFactor
        self.createdAt = now
        self.lastSeenAt = now
    }
}
