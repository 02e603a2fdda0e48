/// Opening hours written the way OpenStreetMap's `opening_hours` key writes the common cases:
/// `24/7`, or rules separated by `;` such as `Mo-Fr 09:00-17:00; Sa 10:00-14:00,18:00-22:00;
/// Su off`. A range that ends at or before its start runs past midnight (`Fr 22:00-02:00`);
/// `24:00` may end a range. A later rule for a day replaces an earlier one, as in OSM. Empty
/// text means the hours are not known.
public struct OpeningHours: Sendable, Equatable {
    /// Minutes from Sunday 00:00 when it opens, and how long it stays open.
    public struct Span: Sendable, Equatable {
        public let day: Int
        public let start: Int
        public let length: Int
    }

    public let spans: [Span]
    public let alwaysOpen: Bool

    static let dayCodes = ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"]
    static let week = 7 * 1440

    public static let unknown = OpeningHours(spans: [], alwaysOpen: false)

    /// The hours `text` gives, or unknown when it cannot be read (entries are checked when kept).
    public static func read(_ text: String) -> OpeningHours { (try? parse(text).get()) ?? unknown }

    public var isKnown: Bool { alwaysOpen || !spans.isEmpty }

    /// Parses `text`, or says why it cannot (a short English reason for reports).
    public static func parse(_ text: String) -> Result<OpeningHours, HoursError> {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .success(OpeningHours(spans: [], alwaysOpen: false)) }
        if text == "24/7" { return .success(OpeningHours(spans: [], alwaysOpen: true)) }
        var byDay: [Int: [Span]] = [:]
        for rule in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !rule.isEmpty {
            let parts = rule.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let days = days(parts[0]) else { return .failure(HoursError(rule: rule)) }
            let times = parts[1].trimmingCharacters(in: .whitespaces)
            var spans: [(Int, Int)] = []
            if times != "off" && times != "closed" {
                for range in times.split(separator: ",") {
                    guard let span = timeRange(range.trimmingCharacters(in: .whitespaces)) else {
                        return .failure(HoursError(rule: rule))
                    }
                    spans.append(span)
                }
            }
            for day in days {
                byDay[day] = spans.map { Span(day: day, start: day * 1440 + $0.0, length: $0.1) }
            }
        }
        let spans = byDay.keys.sorted().flatMap { byDay[$0]! }
        return .success(OpeningHours(spans: spans, alwaysOpen: false))
    }

    /// Whether it is open at `day` (0 = Sunday) and `minute` of that day; false when unknown.
    public func isOpen(day: Int, minute: Int) -> Bool {
        if alwaysOpen { return true }
        let now = day * 1440 + minute
        return spans.contains { span in (now - span.start + Self.week) % Self.week < span.length }
    }

    /// "Mo-Fr" or "Sa,Su" or "Tu" as days 0–6.
    static func days(_ text: String) -> [Int]? {
        var days: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count), let first = dayCodes.firstIndex(of: ends[0]) else { return nil }
            guard ends.count == 2 else {
                days.append(first)
                continue
            }
            guard let last = dayCodes.firstIndex(of: ends[1]) else { return nil }
            // Counted from Monday, as OSM does: "Fr-Mo" wraps over the weekend.
            var day = first
            while true {
                days.append(day)
                if day == last { break }
                day = (day + 1) % 7
            }
        }
        return days.isEmpty ? nil : days
    }

    /// "09:00-17:00" as (start minute, length in minutes); an end at or before the start runs
    /// into the next day.
    static func timeRange(_ text: String) -> (Int, Int)? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard ends.count == 2, let start = minute(ends[0]), start < 1440, let end = minute(ends[1]) else {
            return nil
        }
        let length = end > start ? end - start : end + 1440 - start
        return (start, length)
    }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }), let hour = Int(parts[0]),
            let minute = Int(parts[1]), minute < 60, hour < 24 || (hour == 24 && minute == 0)
        else { return nil }
        return hour * 60 + minute
    }
}

public struct HoursError: Error, Equatable, CustomStringConvertible {
    public let rule: String
    public var description: String { "hours not understood: \(rule)" }
}
