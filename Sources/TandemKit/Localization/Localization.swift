import Foundation

/// The languages Tandem speaks. Every text a person reads comes from one file per language.
public enum Language: String, Codable, Sendable, CaseIterable {
    case en, es

    /// The best supported language in an `Accept-Language` header, or nil.
    public static func preferred(fromAcceptLanguage header: String) -> Language? {
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            var quality = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") {
                quality = Double(piece.dropFirst(2)) ?? 0
            }
            return (tag.lowercased(), quality)
        }
        for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            if let locale = Language(rawValue: primary) { return locale }
        }
        return nil
    }
}

/// A table of messages for one language, with `{name}` placeholders.
public struct MessageTable: Sendable {
    public let messages: [String: String]

    public init(messages: [String: String]) {
        self.messages = messages
    }

    public init(json data: Data) throws {
        self.messages = try JSONDecoder().decode([String: String].self, from: data)
    }

    /// The message for `key` with placeholders filled; the key itself when missing,
    /// so a gap shows up on screen and in tests instead of as blank space.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        guard let message = messages[key] else { return key }
        guard !values.isEmpty, message.contains("{") else { return message }
        // One pass over the message; pages fill many placeholders.
        var result = ""
        var rest = message[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = String(rest[afterOpen..<close])
            if let value = values[name] { result += value } else { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    /// A message about `count` things: `key_one` for exactly one, `key_other` otherwise (the
    /// plural forms English and Spanish use for whole numbers), with `{count}` filled.
    public func counted(_ key: String, _ count: Int) -> String {
        text(key + (count == 1 ? "_one" : "_other"), ["count": String(count)])
    }
}
