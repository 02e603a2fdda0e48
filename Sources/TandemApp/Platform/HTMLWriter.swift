/// Writes an HTML fragment for the long, repeated parts of a page (a caseload's rows),
/// where evaluating a template expression per cell costs more than the rest of the page.
/// Every value goes in escaped; only literal markup written in code goes in raw.
/// The page's template places the result with `#unsafeHTML(p.fragment)`.
struct HTMLWriter {
    private(set) var html = ""

    init(capacity: Int = 4096) { html.reserveCapacity(capacity) }

    /// Markup written in the code itself, never data.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { html += String(decoding: $0, as: UTF8.self) }
    }

    /// Text or an attribute value, escaped for both places.
    mutating func text(_ value: String) {
        guard value.utf8.contains(where: Self.needsEscaping) else {
            html += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            default: html.unicodeScalars.append(scalar)
            }
        }
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
