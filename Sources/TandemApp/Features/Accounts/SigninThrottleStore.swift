import Fluent
import Foundation
import TandemKit

/// Keeps failure counts for the sign-in throttle in the database, so every process
/// shares them and a restart does not reset them.
struct SigninThrottleStore {
    let db: any Database
    var policy = SigninThrottle()

    static func keys(email: String, clientAddress: String?) -> [String] {
        var keys = ["account:" + SecureToken.hash(FieldRules.normalizedEmail(email))]
        if let clientAddress { keys.append("client:" + clientAddress) }
        return keys
    }

    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    func wait(for keys: [String], now: Date = Date()) async throws -> TimeInterval? {
        let counters = try await SigninFailureCounter.query(on: db).filter(\.$key ~~ keys).all()
        let waits = counters.map {
            policy.nextAllowed(failures: $0.failures, lastFailure: $0.lastFailureAt).timeIntervalSince(now)
        }
        guard let longest = waits.max(), longest > 0 else { return nil }
        return longest
    }

    func recordFailure(for keys: [String], now: Date = Date()) async throws {
        for key in keys {
            if let counter = try await SigninFailureCounter.query(on: db).filter(\.$key == key).first() {
                counter.failures += 1
                counter.lastFailureAt = now
                try await counter.save(on: db)
            } else {
                try await SigninFailureCounter(key: key, failures: 1, lastFailureAt: now).create(on: db)
            }
        }
    }

    func reset(_ keys: [String]) async throws {
        try await SigninFailureCounter.query(on: db).filter(\.$key ~~ keys).delete()
    }
}
