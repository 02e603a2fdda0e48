import Foundation

/// An Atom 1.0 feed (RFC 4287) of an organization's published articles.
public struct AtomFeed: Sendable {
    public struct Entry: Sendable {
        public let id: String
        public let title: String
        public let link: String
        public let published: Date
        public let updated: Date
        public let author: String
        public let summary: String
        /// HTML already made safe by `ArticleMarkdown`.
        public let contentHTML: String
        public let tags: [String]

        public init(
            id: String, title: String, link: String, published: Date, updated: Date, author: String, summary: String,
            contentHTML: String, tags: [String]
        ) {
            self.id = id
            self.title = title
            self.link = link
            self.published = published
            self.updated = updated
            self.author = author
            self.summary = summary
            self.contentHTML = contentHTML
            self.tags = tags
        }
    }

    public let id: String
    public let title: String
    /// The site's address and the feed's own.
    public let link: String
    public let selfLink: String
    public let updated: Date
    public let entries: [Entry]

    public init(id: String, title: String, link: String, selfLink: String, updated: Date, entries: [Entry]) {
        self.id = id
        self.title = title
        self.link = link
        self.selfLink = selfLink
        self.updated = updated
        self.entries = entries
    }

    public var xml: String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        out += "  <id>\(Self.escape(id))</id>\n  <title>\(Self.escape(title))</title>\n"
        out += "  <updated>\(Self.stamp(updated))</updated>\n"
        out += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(link))\"/>\n"
        out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(Self.escape(selfLink))\"/>\n"
        for entry in entries {
            out += "  <entry>\n    <id>\(Self.escape(entry.id))</id>\n    <title>\(Self.escape(entry.title))</title>\n"
            out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(entry.link))\"/>\n"
            out += "    <published>\(Self.stamp(entry.published))</published>\n"
            out += "    <updated>\(Self.stamp(entry.updated))</updated>\n"
            out += "    <author><name>\(Self.escape(entry.author))</name></author>\n"
            for tag in entry.tags { out += "    <category term=\"\(Self.escape(tag))\"/>\n" }
            if !entry.summary.isEmpty { out += "    <summary>\(Self.escape(entry.summary))</summary>\n" }
            out += "    <content type=\"html\">\(Self.escape(entry.contentHTML))</content>\n  </entry>\n"
        }
        return out + "</feed>\n"
    }

    /// RFC 3339 in UTC, as Atom dates are.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(c.year!.zeroPadded(4))-\(c.month!.zeroPadded(2))-\(c.day!.zeroPadded(2))T"
            + "\(c.hour!.zeroPadded(2)):\(c.minute!.zeroPadded(2)):\(c.second!.zeroPadded(2))Z"
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold are left out.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
