import Foundation

/// Whether an article is still being written or is out (at its publish time, which may be
/// ahead: scheduled).
public enum ArticleStatus: String, Sendable, CaseIterable, Codable {
    case draft, published
}

/// An article as its author types it. Problems come back as (field, message key) pairs.
public struct ArticleDraft: Sendable, Equatable {
    public static let titleLimit = 160
    public static let summaryLimit = 300
    public static let bodyLimit = 50_000
    public static let tagLimit = 8

    public var title: String
    public var summary: String
    public var body: String
    /// Comma-separated, as typed.
    public var tags: String
    public var language: String
    /// Empty to publish now; otherwise the day and time it goes out, on the organization's clock.
    public var publishDate: String
    public var publishTime: String

    public init(
        title: String = "", summary: String = "", body: String = "", tags: String = "", language: String = "en",
        publishDate: String = "", publishTime: String = ""
    ) {
        self.title = title
        self.summary = summary
        self.body = body
        self.tags = tags
        self.language = language
        self.publishDate = publishDate
        self.publishTime = publishTime
    }

    /// Lowercase words joined by dashes, at most `tagLimit`, each at most 40 characters.
    public var tagList: [String] {
        var seen: [String] = []
        for raw in tags.split(separator: ",") {
            let tag = ArticleSlug.make(String(raw), limit: 40)
            if !tag.isEmpty, !seen.contains(tag) { seen.append(tag) }
        }
        return seen
    }

    public enum PublishTime: Sendable, Equatable {
        case now
        case at(Date)
        case invalid
    }

    /// The publish time asked for: now when left empty (a day without a time is its midnight).
    public func publishing(in zone: TimeZone) -> PublishTime {
        let date = publishDate.trimmingCharacters(in: .whitespaces)
        let time = publishTime.trimmingCharacters(in: .whitespaces)
        if date.isEmpty && time.isEmpty { return .now }
        guard let day = CalendarDate(date), let at = TimeOfDay(time.isEmpty ? "00:00" : time),
            let instant = AppointmentDraft.instant(day, at, in: zone)
        else { return .invalid }
        return .at(instant)
    }

    public func problems(in zone: TimeZone) -> [(field: String, key: String)] {
        var found: [(field: String, key: String)] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { found.append(("title", "error_article_title")) }
        for (field, text, limit) in [
            ("title", title, Self.titleLimit), ("summary", summary, Self.summaryLimit), ("body", body, Self.bodyLimit),
        ] where text.count > limit {
            found.append((field, "error_text_too_long"))
        }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { found.append(("body", "error_article_body")) }
        for (field, text) in [("title", title), ("summary", self.summary), ("body", body), ("tags", tags)]
        where text.unicodeScalars.contains(where: Self.forbidden) {
            found.append((field, "error_text_invalid"))
        }
        if tagList.count > Self.tagLimit { found.append(("tags", "error_article_tags")) }
        if !["en", "es"].contains(language) { found.append(("language", "error_choose_one")) }
        if publishing(in: zone) == .invalid { found.append(("publish_date", "error_article_publish_at")) }
        return found
    }

    /// Control characters other than tab and line breaks.
    static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7F
    }
}

/// The address word of an article or tag: lowercase ASCII letters and digits joined by dashes,
/// accents folded ("Salud de los refugiados" → "salud-de-los-refugiados").
public enum ArticleSlug {
    public static func make(_ text: String, limit: Int = 80) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en"))
            .lowercased()
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if next.count > limit { break }
            slug = next
        }
        return slug
    }
}

/// Minutes to read at an easy 200 words a minute; at least one.
public enum ReadingTime {
    public static func minutes(_ markdown: String) -> Int {
        let words = markdown.split(whereSeparator: { $0.isWhitespace }).filter { $0.contains(where: \.isLetter) }.count
        return max(1, Int((Double(words) / 200).rounded(.up)))
    }
}

/// The stars readers gave an article: how many, and the mean to one decimal.
public struct RatingSummary: Sendable, Equatable {
    public let count: Int
    /// Tenths of a star: 43 for 4.3; nil with no ratings.
    public let averageTenths: Int?

    public init(stars: [Int]) {
        let valid = stars.filter { (1...5).contains($0) }
        count = valid.count
        averageTenths = valid.isEmpty ? nil : Int((Double(valid.reduce(0, +)) * 10 / Double(valid.count)).rounded())
    }

    /// "4.3"
    public var average: String? { averageTenths.map { "\($0 / 10).\($0 % 10)" } }
}
