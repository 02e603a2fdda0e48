import Foundation
import Testing

@testable import TandemKit

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    static let secret = Array("12345678901234567890".utf8)

    @Test(
        "Appendix B vectors, SHA-1, 8 digits",
        arguments: [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ])
    func appendixB(time: Int, expected: String) {
        let totp = TOTP(secret: Self.secret, digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == expected)
    }

    @Test("accepts the current step and one either side, nothing further")
    func window() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let step = totp.counter(at: now)
        for delta in -1...1 {
            #expect(totp.matchingCounter(for: totp.code(counter: step + Int64(delta)), at: now) == step + Int64(delta))
        }
        #expect(totp.matchingCounter(for: totp.code(counter: step + 2), at: now) == nil)
        #expect(totp.matchingCounter(for: totp.code(counter: step - 2), at: now) == nil)
    }

    @Test("refuses malformed codes", arguments: ["", "12345", "1234567", "abcdef", "12 345", "１２３４５６"])
    func malformed(code: String) {
        #expect(TOTP(secret: Self.secret).matchingCounter(for: code, at: Date()) == nil)
    }

    @Test("a fresh secret has 160 bits and a provisioning URI apps read")
    func provisioning() {
        let secret = TOTP.randomSecret()
        #expect(secret.count == 20)
        let uri = TOTP(secret: secret).provisioningURI(issuer: "Tandem (River & Co)", account: "dana@example.org")
        #expect(uri.hasPrefix("otpauth://totp/Tandem%20%28River%20%26%20Co%29%3Adana%40example.org?secret="))
        #expect(uri.contains("secret=\(Base32.encode(secret))"))
        #expect(uri.contains("&digits=6&period=30"))
    }
}

@Suite("Base32 (RFC 4648)")
struct Base32Tests {
    @Test(
        "RFC 4648 section 10 vectors",
        arguments: [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ])
    func vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test("decoding ignores case, spaces and padding and refuses other characters")
    func lenient() {
        #expect(Base32.decode("mzxw 6ytb oi==") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
    }
}
