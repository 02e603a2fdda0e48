import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with HMAC-SHA1,
/// the algorithm every common authenticator app uses.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    public let period: Int

    public init(secret: [UInt8], digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new random secret of 160 bits, the size RFC 4226 recommends.
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public func counter(at date: Date) -> Int64 {
        Int64(floor(date.timeIntervalSince1970 / Double(period)))
    }

    public func code(counter: Int64) -> String {
        var big = UInt64(bitPattern: counter).bigEndian
        let message = withUnsafeBytes(of: &big) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public func code(at date: Date) -> String {
        code(counter: counter(at: date))
    }

    /// The counter step a code matches within ±`window` steps of `date`, or nil.
    /// Callers store the returned step and refuse any code whose step is not newer,
    /// so a code cannot be used twice.
    public func matchingCounter(for code: String, at date: Date, window: Int = 1) -> Int64? {
        let trimmed = code.filter { !$0.isWhitespace }
        guard trimmed.count == digits, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else {
            return nil
        }
        let now = counter(at: date)
        for delta in -window...window {
            let candidate = now + Int64(delta)
            if constantTimeEquals(self.code(counter: candidate), trimmed) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` URI that authenticator apps read from a link or QR code.
    public func provisioningURI(issuer: String, account: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParam = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParam)"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}

/// Compares two strings in time that depends only on their length.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
