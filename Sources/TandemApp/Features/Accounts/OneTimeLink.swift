import Fluent
import Foundation
import TandemKit

/// A single-use link sent or shown to one person: the first-run setup, an invitation,
/// or a password reset. Only the token's hash is stored.
final class OneTimeLink: Model, @unchecked Sendable {
    static let schema = "one_time_links"

    enum Purpose: String, Codable, Sendable {
        case setup, invitation, passwordReset = "password_reset"
    }

    @ID(key: .id) var id: UUID?
    @Enum(key: "purpose") var purpose: Purpose
    @Field(key: "token_hash") var tokenHash: String
    @OptionalParent(key: "organization_id") var organization: Organization?
    @OptionalParent(key: "user_id") var user: User?
    @OptionalParent(key: "created_by_id") var createdBy: User?
    @Field(key: "email") var email: String?
    @OptionalEnum(key: "role") var role: Role?
    /// For an invitation to a participant: the record the new sign-in opens.
    @OptionalParent(key: "participant_id") var participant: Participant?
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "used_at") var usedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(purpose: Purpose, tokenHash: String, expiresAt: Date) {
        self.purpose = purpose
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.usedAt = nil
    }

    func isUsable(at now: Date) -> Bool { usedAt == nil && expiresAt > now }
}
