import Crypto
import Foundation

/// The hash chain that makes the audit trail tamper-evident: each entry's hash covers
/// its own fields and the previous entry's hash.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(previous: String, fields: [String]) -> String {
        var input = previous
        for field in fields {
            // Length-prefixed so no two field lists produce the same input.
            input += "|\(field.utf8.count):\(field)"
        }
        return Hex.encode(SHA256.hash(data: Data(input.utf8)))
    }
}
