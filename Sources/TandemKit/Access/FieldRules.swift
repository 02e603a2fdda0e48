import Foundation

/// Allow-list validation of the fields people type, shared by forms and the API.
/// Each rule returns a message key (for the localization files) or nil when the value is fine.
public enum FieldRules {
    public static func normalizedEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public static func email(_ raw: String) -> String? {
        let value = normalizedEmail(raw)
        if value.isEmpty { return "error_email_missing" }
        if value.count > 254 { return "error_email_invalid" }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            value.unicodeScalars.allSatisfy({
                !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.controlCharacters.contains($0)
            })
        else { return "error_email_invalid" }
        return nil
    }

    /// Characters refused in what people type: control characters (C0, DEL, C1) and invisible
    /// format characters (direction marks and overrides, zero-width spaces, soft hyphens),
    /// which can make a name or a message read other than it is, or two names look alike. Three
    /// kinds of format character are ordinary writing and stay: the joiner in a family or
    /// rainbow-flag emoji, the non-joiner of Persian and Hindi words, the tags of a regional flag.
    public static func unwanted(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control: return true
        case .format:
            return !(scalar.value == 0x200C || scalar.value == 0x200D || (0xE0020...0xE007F).contains(scalar.value))
        default: return false
        }
    }

    /// `unwanted`, less the line breaks and tabs that text of several lines holds.
    public static func unwantedInText(_ scalar: Unicode.Scalar) -> Bool {
        unwanted(scalar) && scalar != "\n" && scalar != "\r" && scalar != "\t"
    }

    /// A person's or an organization's name: 1 to `maximum` characters, no control characters.
    public static func name(_ raw: String, maximum: Int = 120) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return "error_name_missing" }
        // The message names the limit: 120, or 200 for the longer names (a treatment center).
        if value.count > maximum { return maximum >= 200 ? "error_name_too_long_200" : "error_name_too_long" }
        if value.unicodeScalars.contains(where: unwanted) {
            return "error_name_invalid"
        }
        return nil
    }

    /// A free-text label (such as a token's name) made safe to show: control characters
    /// removed, space trimmed, and `fallback` when nothing is left.
    public static func label(_ raw: String, fallback: String) -> String {
        let cleaned = String(raw.unicodeScalars.filter { !unwanted($0) })
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? fallback : cleaned
    }

    /// A crisis line: digits, spaces and the usual phone punctuation, 2 to 30 characters.
    public static func phoneLine(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let allowed = CharacterSet(charactersIn: "0123456789 +-().")
        guard (2...30).contains(value.count), value.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            return "error_phone_invalid"
        }
        return nil
    }
}
