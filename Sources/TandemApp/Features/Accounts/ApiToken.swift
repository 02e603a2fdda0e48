import Fluent
import Foundation

/// A bearer token for the JSON API: random, stored hashed, expiring and revocable.
final class ApiToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// The organization the token acts in; nil for a token made before tokens named one,
    /// which acts in the person's first.
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, organizationID: UUID?, name: String, tokenHash: String, expiresAt: Date) {
        self.$user.id = userID
        self.organizationID = organizationID
        self.name = name
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.lastUsedAt = nil
        self.revokedAt = nil
    }

    func isActive(at now: Date) -> Bool { revokedAt == nil && expiresAt > now }
}
