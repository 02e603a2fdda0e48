import Crypto
import Foundation

/// Bcrypt reads only the first 72 bytes of a password. Long pass phrases are welcome, so
/// every password is first reduced to a fixed 44-character SHA-256 digest, and bcrypt
/// hashes that: every character counts, and the work factor still applies.
public enum PasswordDigest {
    public static func prepare(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}
