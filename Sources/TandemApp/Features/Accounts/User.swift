import Fluent
import Foundation

/// A person who can sign in. What they may do depends on their membership in each organization.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "language") var language: String
    @Field(key: "totp_secret") var totpSecret: String?
    @Field(key: "totp_pending_secret") var totpPendingSecret: String?
    @Field(key: "totp_last_counter") var totpLastCounter: Int64?
    @Field(key: "password_changed_at") var passwordChangedAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$user) var memberships: [Membership]

    init() {}

    init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, language: String = "en") {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.language = language
        self.totpSecret = nil
        self.totpPendingSecret = nil
        self.totpLastCounter = nil
        self.passwordChangedAt = Date()
    }

    var twoFactorEnabled: Bool { totpSecret != nil }
}
