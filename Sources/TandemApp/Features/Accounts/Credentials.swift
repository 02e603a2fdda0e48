import Fluent
import Foundation
import NIOPosix
import TandemKit
import Vapor

/// Checks passwords and second factors with the throttle applied: the sign-in form, the
/// API token endpoint, accepting an invitation with an existing account, and the pages
/// that ask for the current password all go through here.
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
    private var clientAddress: String? { request.clientAddress }

    /// One answer for a wrong e-mail and a wrong password, and the same work for both,
    /// so the answer does not tell whether an account exists. The attempt is counted
    /// against the account before the (slow) check, so parallel guesses are all counted;
    /// a success clears the account's count (or, before a second step, takes back its own).
    /// The client address counts failures only.
    func checkPassword(email: String, password: String) async throws -> PasswordOutcome {
        let keys = SigninThrottleStore.keys(email: email, clientAddress: clientAddress)
        if let wait = try await throttle.wait(for: keys) { return .throttled(wait) }
        let before = try await throttle.state(keys.account)
        try await throttle.count(keys.account)
        let user = try await User.query(on: request.db).filter(\.$email == FieldRules.normalizedEmail(email)).first()
        let hash: String
        if let user { hash = user.passwordHash } else { hash = await Self.decoyHash }
        let matches = await verify(password, hash: hash)
        guard let user, matches else {
            if let client = keys.client { try await throttle.count(client) }
            try await request.audit("signin.password", outcome: .failure, actor: user?.id, organization: nil)
            return .wrong
        }
        // With a second step to come, the count stays until its code is right; only this
        // right password's own count is taken back.
        if user.twoFactorEnabled {
            try await throttle.uncount(keys.account, to: before)
        } else {
            try await throttle.reset(keys.account)
        }
        return .success(user)
    }

    /// The current password of a signed-in person (changing the password, turning off
    /// two-factor, joining another organization), throttled like sign-in.
    func checkCurrentPassword(of user: User, password: String) async throws -> PasswordOutcome {
        let keys = SigninThrottleStore.keys(email: user.email, clientAddress: clientAddress)
        if let wait = try await throttle.wait(for: keys) { return .throttled(wait) }
        try await throttle.count(keys.account)
        guard await verify(password, hash: user.passwordHash) else {
            try await request.audit("password.check", outcome: .failure, actor: user.id, organization: nil)
            return .wrong
        }
        try await throttle.reset(keys.account)
        return .success(user)
    }

    /// Accepts a current authenticator code (never one already used) or an unused recovery code.
    func checkSecondFactor(user: User, code: String) async throws -> SecondFactorOutcome {
        let keys = SigninThrottleStore.keys(email: user.email, clientAddress: clientAddress)
        if let wait = try await throttle.wait(for: keys) { return .throttled(wait) }
        try await throttle.count(keys.account)
        if try await TwoFactor(db: request.db).verify(user: user, code: code) {
            try await throttle.reset(keys.account)
            return .success
        }
        if let client = keys.client { try await throttle.count(client) }
        try await request.audit("signin.second_factor", outcome: .failure, actor: user.id, organization: nil)
        return .wrong
    }

    /// The throttled check services use for "this e-mail already has an account; give its password".
    static func existingAccountCheck(_ request: Request) -> AccountService.PasswordCheck {
        { user, password in
            if case .success = try await Credentials(request: request).checkCurrentPassword(
                of: user, password: password)
            {
                return true
            }
            return false
        }
    }

    private func verify(_ password: String, hash: String) async -> Bool {
        let digest = PasswordDigest.prepare(String(password.prefix(PasswordPolicy.maximumLength)))
        return (try? await request.password.async.verify(digest, created: hash)) ?? false
    }

    /// A bcrypt hash of a random value, verified against when the e-mail is unknown. Made
    /// once, on the thread pool: hashing takes a quarter of a second, and requests run on
    /// the event loops, which must never wait.
    private static let decoy = Task {
        try await NIOThreadPool.singleton.runIfActive { try Bcrypt.hash(SecureToken.generate(), cost: 12) }
    }

    static var decoyHash: String {
        get async { (try? await decoy.value) ?? "" }
    }
}
