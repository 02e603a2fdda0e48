import Foundation

/// Where a comment stands: waiting for a moderator, shown, or hidden by one.
public enum CommentStatus: String, Sendable, CaseIterable, Codable {
    case pending, approved, hidden
}

/// A comment as a reader sends it. A guest gives a name and an e-mail (kept private); a
/// signed-in reader is known by their account. Spam is refused without any outside service:
/// a field only robots fill in, and a limit on links.
public struct CommentDraft: Sendable, Equatable {
    public static let bodyLimit = 3_000
    public static let linkLimit = 2

    public var name: String
    public var email: String
    public var body: String
    /// The hidden "website" field: people never see it, so never fill it in.
    public var honeypot: String

    public init(name: String = "", email: String = "", body: String = "", honeypot: String = "") {
        self.name = name
        self.email = email
        self.body = body
        self.honeypot = honeypot
    }

    /// Filled in only by something that fills in every field.
    public var isRobot: Bool { !honeypot.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    /// Web addresses in the text.
    public var links: Int {
        let lower = body.lowercased()
        return ["http://", "https://", "www."].reduce(0) { $0 + lower.components(separatedBy: $1).count - 1 }
    }

    public func problems(asGuest: Bool) -> [(field: String, key: String)] {
        var found: [(field: String, key: String)] = []
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { found.append(("body", "error_comment_body")) }
        if text.count > Self.bodyLimit { found.append(("body", "error_text_too_long")) }
        if links > Self.linkLimit { found.append(("body", "error_comment_links")) }
        if asGuest {
            let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 80 { found.append(("name", "error_comment_name")) }
            if let key = FieldRules.email(email) { found.append(("email", key)) }
        }
        for (field, value) in [("body", body), ("name", name)]
        where value.unicodeScalars.contains(where: ArticleDraft.forbidden) {
            found.append((field, "error_text_invalid"))
        }
        return found
    }
}
