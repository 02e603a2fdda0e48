import Fluent
import Foundation

/// A one-time code that stands in for the authenticator. Stored hashed.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, codeHash: String) {
        self.$user.id = userID
        self.codeHash = codeHash
        self.usedAt = nil
    }
}
