import Fluent
import Foundation
import TandemKit
import Vapor

/// Checks e-mail and password, and second factors, with the throttle applied. Used by
/// the sign-in form and by the API token endpoint alike.
struct Credentials {
    let request: Request

    enum PasswordOutcome {
        case success(User)
        case wrong
        case throttled(TimeInterval)
    }

    enum SecondFactorOutcome: Equatable {
        case success
        case wrong
        case throttled(TimeInterval)
    }

    private var throttle: SigninThrottleStore { SigninThrottleStore(db: request.db) }
    private var clientAddress: String? { request.remoteAddress?.ipAddress }

    /// One answer for a wrong e-mail and a wrong password, and the same work for both,
    /// so the answer does not tell whether an account exists.
    func checkPassword(email: String, password: String) async throws -> PasswordOutcome {
        let keys = SigninThrottleStore.keys(email: email, clientAddress: clientAddress)
        if let wait = try await throttle.wait(for: keys) { return .throttled(wait) }
        let user = try await User.query(on: request.db).filter(\.$email == FieldRules.normalizedEmail(email)).first()
        let digest = PasswordDigest.prepare(String(password.prefix(PasswordPolicy.maximumLength)))
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = (try? await request.password.async.verify(digest, created: hash)) ?? false
        guard let user, matches else {
            try await throttle.recordFailure(for: keys)
            try await request.audit("signin.password", outcome: .failure, actor: user?.id, organization: nil)
            return .wrong
        }
        if !user.twoFactorEnabled { try await throttle.reset(keys) }
        return .success(user)
    }

    /// Accepts a current authenticator code (never one already used) or an unused recovery code.
    func checkSecondFactor(user: User, code: String) async throws -> SecondFactorOutcome {
        let keys = SigninThrottleStore.keys(email: user.email, clientAddress: clientAddress)
        if let wait = try await throttle.wait(for: keys) { return .throttled(wait) }
        if try await TwoFactor(db: request.db).verify(user: user, code: code) {
            try await throttle.reset(keys)
            return .success
        }
        try await throttle.recordFailure(for: keys)
        try await request.audit("signin.second_factor", outcome: .failure, actor: user.id, organization: nil)
        return .wrong
    }

    /// A bcrypt hash of a random value, verified against when the e-mail is unknown.
    static let decoyHash: String = (try? Bcrypt.hash(SecureToken.generate(), cost: 12)) ?? ""
}
