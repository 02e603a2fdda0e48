/// Writes an HTML fragment for the long, repeated parts of a page (a caseload's rows),
/// where evaluating a template expression per cell costs more than the rest of the page.
/// Every value goes in escaped; only literal markup written in code goes in raw.
/// The page's template places the result with `#unsafeHTML(p.fragment)`.
struct HTMLWriter {
    /// UTF-8 bytes, made a string once at the end: appending to a `String` piece by piece
    /// validated every literal as UTF-8 again and grew the string's storage through its
    /// general append (a tenth of a caseload page's time went there).
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    var html: String { String(decoding: bytes, as: UTF8.self) }

    /// Markup written in the code itself, never data.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text or an attribute value, escaped for both places. The characters escaped are all
    /// ASCII, so escaping byte by byte leaves every other character's bytes whole.
    mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { source in
            guard source.contains(where: Self.needsEscaping) else {
                bytes.append(contentsOf: source)
                return
            }
            for byte in source {
                switch byte {
                case UInt8(ascii: "&"): append("&amp;")
                case UInt8(ascii: "<"): append("&lt;")
                case UInt8(ascii: ">"): append("&gt;")
                case UInt8(ascii: "\""): append("&quot;")
                case UInt8(ascii: "'"): append("&#39;")
                default: bytes.append(byte)
                }
            }
        }
    }

    private mutating func append(_ entity: StaticString) {
        entity.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// The options of a select list; a supervisor's list of coaches may run to thousands.
    mutating func options(_ list: [SelectOption]) {
        for option in list {
            raw("<option value=\"")
            text(option.value)
            raw(option.selected ? "\" selected>" : "\">")
            text(option.label)
            raw("</option>")
        }
    }

    /// A select list's options on their own.
    static func options(_ list: [SelectOption]) -> String {
        var out = HTMLWriter(capacity: 64 + list.count * 80)
        out.options(list)
        return out.html
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
