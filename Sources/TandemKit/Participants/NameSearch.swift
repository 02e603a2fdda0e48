import Foundation

/// Name search that ignores case and accents and matches the start of any word of a name:
/// "jose" finds "José", "oka" finds "Jamie Okafor". Names are stored as folded terms; a query
/// is folded the same way and each of its words must begin one of a person's terms.
public enum NameSearch {
    /// Letters with no decomposition that people still expect to match their plain form.
    static let replacements: [Character: String] = [
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    ]

    /// Lower case, accents removed, letters and digits only.
    public static func fold(_ text: String) -> String {
        // Most names are plain ASCII; lists sort thousands of them per page.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return foldASCII(text) }
        var out = ""
        for character in text.lowercased() {
            if let replacement = replacements[character] {
                out += replacement
                continue
            }
            for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
                let properties = scalar.properties
                if properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark {
                    continue
                }
                if properties.isAlphabetic || properties.numericType != nil { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    private static func foldASCII(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 32)
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The terms a name is found by: each word folded, and for words joined by punctuation
    /// ("O'Brien", "Smith-Jones") both the whole and each part.
    public static func terms(of names: [String]) -> [String] {
        var result: [String] = []
        for name in names {
            for word in name.split(whereSeparator: { $0.isWhitespace }) {
                let whole = fold(String(word))
                if !whole.isEmpty, !result.contains(whole) { result.append(whole) }
                let parts = word.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { fold(String($0)) }
                if parts.count > 1 {
                    for part in parts where !part.isEmpty && !result.contains(part) { result.append(part) }
                }
            }
        }
        return result
    }

    /// The folded words of a query, at most four, each at most 40 characters. Punctuation parts
    /// words as a space does: "Jose-Alvarez" looks for "jose" and "alvarez", which finds
    /// "José Álvarez" as well as "José-Álvarez" (whose parts are among its terms).
    public static func queryWords(_ query: String) -> [String] {
        Array(
            query.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { String(fold(String($0)).prefix(40)) }
                .filter { !$0.isEmpty }.prefix(4))
    }

    /// The first string after every string that starts with `prefix`, for an indexed range
    /// scan `prefix <= term < upperBound(prefix)`.
    public static func upperBound(of prefix: String) -> String {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            if let next = Unicode.Scalar(last.value + 1) ?? Unicode.Scalar(last.value + 0x801) {
                scalars.append(next)
                var result = ""
                result.unicodeScalars.append(contentsOf: scalars)
                return result
            }
        }
        return "\u{10FFFF}"
    }

    /// The key people are listed by: folded preferred name, then the original for ties.
    public static func sortKey(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            // The same words and folding as below, without Character's Unicode rules.
            let words = name.utf8.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) })
            return String(
                words.map { foldASCII(String(decoding: $0, as: UTF8.self)) }.joined(separator: " ").prefix(120))
        }
        return String(
            (name.split(whereSeparator: { $0.isWhitespace }).map { fold(String($0)) }.joined(separator: " "))
                .prefix(120))
    }
}
