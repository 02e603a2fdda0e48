import Fluent
import Foundation

/// Consecutive failed sign-ins for one key: an account (by the hash of its e-mail, so
/// unknown addresses are throttled alike) or a client address.
final class SigninFailureCounter: Model, @unchecked Sendable {
    static let schema = "signin_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_at") var lastFailureAt: Date

    init() {}

    init(key: String, failures: Int, lastFailureAt: Date) {
        self.key = key
        self.failures = failures
        self.lastFailureAt = lastFailureAt
    }
}
