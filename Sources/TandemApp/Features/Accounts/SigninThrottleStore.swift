import Fluent
import Foundation
import SQLKit
import TandemKit

/// Keeps failure counts for the sign-in throttle in the database, so every process
/// shares them and a restart does not reset them.
struct SigninThrottleStore {
    let db: any Database
    /// Per account: five free failures.
    var accountPolicy = SigninThrottle()
    /// Per client address: more room, since many people can share one address (an office,
    /// a phone carrier); it still stops one machine from guessing across many accounts.
    var clientPolicy = SigninThrottle(freeFailures: 20)
    /// A count starts again after this long without a failure.
    static let quietPeriod: TimeInterval = 3600

    struct Keys {
        let account: String
        let client: String?
        var all: [String] { [account] + (client.map { [$0] } ?? []) }
    }

    static func keys(email: String, clientAddress: String?) -> Keys {
        Keys(
            account: "account:" + SecureToken.hash(FieldRules.normalizedEmail(email)),
            client: clientAddress.map { "client:" + $0 })
    }

    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    func wait(for keys: Keys, now: Date = Date()) async throws -> TimeInterval? {
        let counters = try await SigninFailureCounter.query(on: db).filter(\.$key ~~ keys.all).all()
        let waits = counters.filter { now.timeIntervalSince($0.lastFailureAt) < Self.quietPeriod }.map {
            let policy = $0.key == keys.account ? accountPolicy : clientPolicy
            return policy.nextAllowed(failures: $0.failures, lastFailure: $0.lastFailureAt).timeIntervalSince(now)
        }
        guard let longest = waits.max(), longest > 0 else { return nil }
        return longest
    }

    /// Counts one failure for `key` in a single statement, so concurrent attempts are all
    /// counted and the first two at once do not collide on the unique key. After a quiet
    /// period the count starts again from one.
    func count(_ key: String, now: Date = Date()) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let quietSince = now.addingTimeInterval(-Self.quietPeriod)
        try await sql.raw(
            """
            INSERT INTO signin_failures (id, key, failures, last_failure_at) VALUES (\(bind: UUID()), \(bind: key), 1, \(bind: now))
            ON CONFLICT (key) DO UPDATE SET
              failures = CASE WHEN signin_failures.last_failure_at < \(bind: quietSince) THEN 1 ELSE signin_failures.failures + 1 END,
              last_failure_at = excluded.last_failure_at
            """
        ).run()
    }

    /// What `key`'s counter holds now (nil when nothing is counted).
    func state(_ key: String) async throws -> (failures: Int, lastFailureAt: Date)? {
        try await SigninFailureCounter.query(on: db).filter(\.$key == key).first().map {
            ($0.failures, $0.lastFailureAt)
        }
    }

    /// Takes back the one attempt counted since `before` was read, when nothing else was
    /// counted meanwhile: a right password followed by a second step. Otherwise that step
    /// would find its own password counted as a failure and make the person wait again.
    func uncount(_ key: String, to before: (failures: Int, lastFailureAt: Date)?) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        if let before {
            try await sql.raw(
                """
                UPDATE signin_failures SET failures = \(bind: before.failures), \
                last_failure_at = \(bind: before.lastFailureAt) \
                WHERE key = \(bind: key) AND failures = \(bind: before.failures + 1)
                """
            ).run()
        } else {
            try await sql.raw("DELETE FROM signin_failures WHERE key = \(bind: key) AND failures = 1").run()
        }
    }

    func reset(_ key: String) async throws {
        try await SigninFailureCounter.query(on: db).filter(\.$key == key).delete()
    }
}
