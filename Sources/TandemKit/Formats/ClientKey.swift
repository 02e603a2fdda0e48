import Foundation

/// The key an app or a form makes for one entry before sending it, so an entry sent twice
/// (a double tap, a retry on a poor connection) is kept once: 8 to 64 letters, digits and
/// dashes, such as a UUID.
public enum ClientKey {
    /// The key without surrounding spaces, or nil when it is not one.
    public static func normalized(_ raw: String) -> String? {
        let key = raw.trimmingCharacters(in: .whitespaces)
        guard (8...64).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return key
    }
}
