import Foundation
import Ink

/// An article's Markdown as HTML that cannot carry script. The author's own HTML is never
/// markup: every `<` in the source is escaped before Ink reads it (Ink passes raw HTML
/// through). What Ink writes is then kept only as far as an allowlist goes: known tags,
/// `href` and `src` with a web, mail or same-site address, `alt`; nothing else survives,
/// so no event handler, style or `javascript:` address can reach a page. Everything here
/// works on Unicode scalars, as browsers read HTML, never on user-perceived characters (a
/// combining mark must not hide a quote or a `<` from the checks).
public enum ArticleMarkdown {
    public static func html(from markdown: String) -> String {
        var source = String.UnicodeScalarView()
        for scalar in markdown.unicodeScalars where scalar != "\r" {
            if scalar == "<" { source.append(contentsOf: "&lt;".unicodeScalars) } else { source.append(scalar) }
        }
        // In code Ink escapes the `&` of an escaped `<` once more; put it back to one escape.
        let written = MarkdownParser().html(from: String(source)).replacingOccurrences(of: "&amp;lt;", with: "&lt;")
        return HTMLAllowlist.clean(written)
    }
}

/// A small allowlist sanitizer for HTML that Ink wrote: tags outside the list, and every
/// attribute but a checked `href`, `src` or `alt`, are dropped; anything that is not a
/// well-formed tag is written as text.
public enum HTMLAllowlist {
    static let tags: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    ]
    static let empty: Set<String> = ["br", "hr", "img"]

    public static func clean(_ html: String) -> String {
        let scalars = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<", let (tag, end) = parseTag(scalars, from: index) {
                out.append(contentsOf: tag.unicodeScalars)
                index = end
                continue
            }
            switch scalar {
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            default: out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
    }

    /// The allowed form of the tag starting at `start`, and where it ends; nil when it is not
    /// a whole tag. A tag outside the list comes back empty (dropped).
    static func parseTag(_ html: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        var i = start + 1
        var closing = false
        if i < html.count, html[i] == "/" {
            closing = true
            i += 1
        }
        let nameStart = i
        while i < html.count, html[i].isASCII, html[i].properties.isAlphabetic || ("0"..."9").contains(html[i]) {
            i += 1
        }
        let name = String(String.UnicodeScalarView(html[nameStart..<i])).lowercased()
        guard !name.isEmpty else { return nil }
        var attributes: [(String, String)] = []
        while true {
            while i < html.count, isSpace(html[i]) { i += 1 }
            guard i < html.count else { return nil }
            if html[i] == ">" { break }
            if html[i] == "/" {
                i += 1
                continue
            }
            let keyStart = i
            while i < html.count, !isSpace(html[i]), !"=>/\"'<".unicodeScalars.contains(html[i]) { i += 1 }
            guard i > keyStart else { return nil }
            let key = String(String.UnicodeScalarView(html[keyStart..<i])).lowercased()
            var value = ""
            if i < html.count, html[i] == "=" {
                i += 1
                guard i < html.count else { return nil }
                if html[i] == "\"" || html[i] == "'" {
                    let quote = html[i]
                    i += 1
                    let valueStart = i
                    while i < html.count, html[i] != quote { i += 1 }
                    guard i < html.count else { return nil }
                    value = String(String.UnicodeScalarView(html[valueStart..<i]))
                    i += 1
                } else {
                    let valueStart = i
                    while i < html.count, !isSpace(html[i]), html[i] != ">" { i += 1 }
                    value = String(String.UnicodeScalarView(html[valueStart..<i]))
                }
            }
            attributes.append((key, value))
        }
        let end = i + 1
        guard tags.contains(name) else { return ("", end) }
        if closing { return (empty.contains(name) ? "" : "</\(name)>", end) }
        var tag = "<" + name
        for (key, value) in attributes {
            switch (name, key) {
            case ("a", "href"), ("img", "src"):
                guard let address = safeAddress(value) else { continue }
                tag += " \(key)=\"\(address)\""
            case ("img", "alt"):
                tag += " alt=\"\(escape(value))\""
            default: continue
            }
        }
        if name == "a" { tag += " rel=\"nofollow ugc noopener\"" }
        return (tag + ">", end)
    }

    /// An address kept only when it plainly is a web, mail or same-site one: printable ASCII
    /// with no quotes, brackets or backslash; a same-site one also without `&` (an entity
    /// could turn `/&#47;` into an address on another site).
    static func safeAddress(_ value: String) -> String? {
        let lower = value.lowercased()
        let absolute = ["https://", "http://", "mailto:"].contains(where: lower.hasPrefix)
        let local = (lower.hasPrefix("/") && !lower.hasPrefix("//")) || lower.hasPrefix("#")
        guard absolute || local, value.unicodeScalars.count <= 2_000,
            value.unicodeScalars.allSatisfy({
                $0.value > 0x20 && $0.value < 0x7F && !"\"'<>`\\".unicodeScalars.contains($0)
            }),
            absolute || !value.contains("&")
        else { return nil }
        return value
    }

    /// Text for an attribute value, scalar by scalar.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
