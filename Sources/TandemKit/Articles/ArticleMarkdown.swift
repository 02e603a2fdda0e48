import Foundation
import Ink

/// An article's Markdown as HTML that cannot carry script. The author's own HTML is never
/// markup: every `<` in the source is escaped before Ink reads it (Ink passes raw HTML
/// through). What Ink writes is then kept only as far as an allowlist goes: known tags,
/// `href` and `src` with a web, mail or same-site address, `alt`; nothing else survives,
/// so no event handler, style or `javascript:` address can reach a page.
public enum ArticleMarkdown {
    public static func html(from markdown: String) -> String {
        let source = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "<", with: "&lt;")
        // In code Ink escapes the `&` of an escaped `<` once more; put it back to one escape.
        let written = MarkdownParser().html(from: source).replacingOccurrences(of: "&amp;lt;", with: "&lt;")
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
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let (tag, end) = parseTag(html, from: index) {
                out += tag
                index = end
            } else {
                switch character {
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                default: out.append(character)
                }
                index = html.index(after: index)
            }
        }
        return out
    }

    /// The allowed form of the tag starting at `start`, and where it ends; nil when it is not
    /// a tag at all. A tag outside the list comes back empty (dropped).
    static func parseTag(_ html: String, from start: String.Index) -> (String, String.Index)? {
        var i = html.index(after: start)
        var closing = false
        if i < html.endIndex, html[i] == "/" {
            closing = true
            i = html.index(after: i)
        }
        let nameStart = i
        while i < html.endIndex, html[i].isASCII, html[i].isLetter || html[i].isNumber { i = html.index(after: i) }
        let name = html[nameStart..<i].lowercased()
        guard !name.isEmpty else { return nil }
        var attributes: [(String, String)] = []
        while i < html.endIndex {
            while i < html.endIndex, html[i].isWhitespace { i = html.index(after: i) }
            guard i < html.endIndex else { return nil }
            if html[i] == ">" { break }
            if html[i] == "/" {
                i = html.index(after: i)
                continue
            }
            let keyStart = i
            while i < html.endIndex, !html[i].isWhitespace, !"=>/\"'".contains(html[i]) { i = html.index(after: i) }
            let key = html[keyStart..<i].lowercased()
            if key.isEmpty { return nil }
            var value = ""
            if i < html.endIndex, html[i] == "=" {
                i = html.index(after: i)
                guard i < html.endIndex else { return nil }
                if html[i] == "\"" || html[i] == "'" {
                    let quote = html[i]
                    i = html.index(after: i)
                    let valueStart = i
                    while i < html.endIndex, html[i] != quote { i = html.index(after: i) }
                    guard i < html.endIndex else { return nil }
                    value = String(html[valueStart..<i])
                    i = html.index(after: i)
                } else {
                    let valueStart = i
                    while i < html.endIndex, !html[i].isWhitespace, html[i] != ">" { i = html.index(after: i) }
                    value = String(html[valueStart..<i])
                }
            }
            attributes.append((key, value))
        }
        let end = html.index(after: i)
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

    /// An address kept only when it plainly is a web, mail or same-site one: no entities, no
    /// quotes, brackets or spaces that could smuggle anything else.
    static func safeAddress(_ value: String) -> String? {
        let lower = value.lowercased()
        guard ["https://", "http://", "mailto:", "/", "#"].contains(where: lower.hasPrefix), !lower.hasPrefix("//"),
            value.count <= 2_000,
            value.unicodeScalars.allSatisfy({
                $0.value > 0x20 && $0.value < 0x7F && !"\"'<>`\\".unicodeScalars.contains($0)
            })
        else { return nil }
        return value
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
