import Foundation

/// The password rules of ASVS level 2: at least 8 characters, long pass phrases
/// welcome, and no password from a list of commonly used ones.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 8
    /// Generous, so pass phrases fit, yet bounded so hashing cannot be abused.
    public static let maximumLength = 1024

    public enum Problem: String, Sendable, Equatable {
        case tooShort = "password_too_short"
        case tooLong = "password_too_long"
        case common = "password_common"
        case matchesEmail = "password_matches_email"
    }

    let common: Set<String>

    public init(commonPasswords: Set<String>) {
        self.common = commonPasswords
    }

    /// The policy with the list of common passwords shipped in this package.
    public static let standard: PasswordPolicy = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return PasswordPolicy(commonPasswords: []) }
        let words = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        return PasswordPolicy(commonPasswords: Set(words))
    }()

    public var commonCount: Int { common.count }

    /// The first problem with `password`, or nil when it is acceptable.
    public func problem(with password: String, email: String? = nil) -> Problem? {
        let length = password.count
        if length < Self.minimumLength { return .tooShort }
        if length > Self.maximumLength { return .tooLong }
        let lowered = password.lowercased()
        if common.contains(lowered) { return .common }
        if let email, !email.isEmpty {
            let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
            if lowered == email.lowercased() || (local.count >= 4 && lowered == local) { return .matchesEmail }
        }
        return nil
    }
}
