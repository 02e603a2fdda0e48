import Foundation
import Testing

@testable import TandemKit

@Suite("Password rules")
struct PasswordPolicyTests {
    let policy = PasswordPolicy.standard

    @Test("the shipped list of common passwords is loaded")
    func listLoaded() {
        #expect(policy.commonCount > 250)
    }

    @Test(
        "refusals",
        arguments: [
            ("short", PasswordPolicy.Problem.tooShort), ("1234567", .tooShort), ("password", .common),
            ("Password1", .common), ("QWERTYUIOP", .common), ("iloveyou", .common),
            (String(repeating: "a", count: 1025), .tooLong),
        ])
    func refused(password: String, problem: PasswordPolicy.Problem) {
        #expect(policy.problem(with: password) == problem)
    }

    @Test(
        "accepts 8 characters and long pass phrases",
        arguments: ["k7#vQ2m!", "correct horse battery staple", String(repeating: "long phrase ", count: 20)])
    func accepted(password: String) {
        #expect(policy.problem(with: password) == nil)
    }

    @Test("refuses the e-mail address as the password")
    func email() {
        #expect(policy.problem(with: "dana.w@example.org", email: "Dana.W@example.org") == .matchesEmail)
        #expect(policy.problem(with: "dana.whitfield", email: "dana.whitfield@example.org") == .matchesEmail)
    }

    @Test("every character of a long pass phrase counts, beyond bcrypt's 72 bytes")
    func digestCoversEverything() {
        let base = String(repeating: "x", count: 80)
        #expect(PasswordDigest.prepare(base + "a") != PasswordDigest.prepare(base + "b"))
        #expect(PasswordDigest.prepare(base).utf8.count == 44)
    }
}

@Suite("Sign-in throttle")
struct SigninThrottleTests {
    @Test("five failures are free, then the wait doubles up to a ceiling")
    func growth() {
        let throttle = SigninThrottle()
        #expect((0...4).allSatisfy { throttle.delay(afterFailures: $0) == 0 })
        #expect(throttle.delay(afterFailures: 5) == 2)
        #expect(throttle.delay(afterFailures: 6) == 4)
        #expect(throttle.delay(afterFailures: 9) == 32)
        #expect(throttle.delay(afterFailures: 40) == 15 * 60)
    }

    @Test("the next attempt is allowed after the wait")
    func nextAllowed() {
        let last = Date(timeIntervalSince1970: 1000)
        #expect(SigninThrottle().nextAllowed(failures: 6, lastFailure: last) == Date(timeIntervalSince1970: 1004))
    }
}
