import Foundation

/// How long to hold back sign-in attempts after repeated failures (ASVS V6.3.1).
/// Five failures are free; each one after doubles the wait, up to a ceiling, so a
/// person who mistypes is barely slowed while guessing becomes impractical.
public struct SigninThrottle: Sendable {
    public let freeFailures: Int
    public let baseDelay: TimeInterval
    public let maximumDelay: TimeInterval

    public init(freeFailures: Int = 5, baseDelay: TimeInterval = 2, maximumDelay: TimeInterval = 15 * 60) {
        self.freeFailures = freeFailures
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait after `failures` consecutive failures.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        let exponent = min(failures - freeFailures, 20)
        return min(baseDelay * pow(2, Double(exponent)), maximumDelay)
    }

    /// When the next attempt is allowed, given the failure count and the last failure time.
    public func nextAllowed(failures: Int, lastFailure: Date) -> Date {
        lastFailure.addingTimeInterval(delay(afterFailures: failures))
    }
}
