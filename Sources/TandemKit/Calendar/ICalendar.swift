import Foundation

/// An iCalendar (RFC 5545) document: appointments as VEVENTs with times in UTC (so no
/// VTIMEZONE is needed), text escaped, lines ending in CRLF and folded at 75 octets.
public struct ICalendar: Sendable {
    public struct Event: Sendable, Equatable {
        /// Globally unique and stable: the same appointment keeps its UID across feeds.
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var location: String
        public var description: String
        /// A video link, when there is one.
        public var url: String?
        public var cancelled: Bool
        /// Increases each time the appointment changes, so calendars take the newer one.
        public var sequence: Int
        /// A weekly meeting: its first day and local time, floating (RFC 5545 §3.3.5, no zone:
        /// 19:00 wherever the calendar is, as a meeting's own schedule says), used instead of
        /// `start` and `end`.
        public var floating: (day: CalendarDate, time: TimeOfDay, minutes: Int)?
        /// An RRULE value, e.g. `FREQ=WEEKLY;BYDAY=TU`.
        public var recurrence: String?

        public init(
            uid: String, start: Date, end: Date, summary: String, location: String = "", description: String = "",
            url: String? = nil, cancelled: Bool = false, sequence: Int = 0
        ) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.location = location
            self.description = description
            self.url = url
            self.cancelled = cancelled
            self.sequence = sequence
            self.floating = nil
            self.recurrence = nil
        }

        public static func == (lhs: Event, rhs: Event) -> Bool {
            lhs.uid == rhs.uid && lhs.start == rhs.start && lhs.end == rhs.end && lhs.summary == rhs.summary
                && lhs.location == rhs.location && lhs.description == rhs.description && lhs.url == rhs.url
                && lhs.cancelled == rhs.cancelled && lhs.sequence == rhs.sequence && lhs.recurrence == rhs.recurrence
                && lhs.floating?.day == rhs.floating?.day && lhs.floating?.time == rhs.floating?.time
                && lhs.floating?.minutes == rhs.floating?.minutes
        }
    }

    public var name: String
    public var events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public static let productID = "-//Tandem//Recovery coaching//EN"

    /// The document, stamped with `now` (DTSTAMP: when this copy was made).
    public func text(now: Date) -> String {
        var out = ""
        func line(_ content: String) { out += Self.fold(content) + "\r\n" }
        line("BEGIN:VCALENDAR")
        line("VERSION:2.0")
        line("PRODID:" + Self.productID)
        line("CALSCALE:GREGORIAN")
        line("METHOD:PUBLISH")
        line("X-WR-CALNAME:" + Self.escape(name))
        let stamp = Self.utc(now)
        for event in events {
            line("BEGIN:VEVENT")
            line("UID:" + Self.escape(event.uid))
            line("DTSTAMP:" + stamp)
            if let floating = event.floating {
                line("DTSTART:" + Self.local(floating.day, floating.time))
                line("DURATION:PT\(max(1, floating.minutes))M")
            } else {
                line("DTSTART:" + Self.utc(event.start))
                line("DTEND:" + Self.utc(max(event.end, event.start)))
            }
            if let rule = event.recurrence?.filter({ $0 != "\r" && $0 != "\n" }), !rule.isEmpty {
                line("RRULE:" + rule)
            }
            line("SEQUENCE:" + String(max(0, event.sequence)))
            line("SUMMARY:" + Self.escape(event.summary))
            if !event.location.isEmpty { line("LOCATION:" + Self.escape(event.location)) }
            if !event.description.isEmpty { line("DESCRIPTION:" + Self.escape(event.description)) }
            // A URI is not escaped as text, but it may never break the line.
            if let url = event.url?.filter({ $0 != "\r" && $0 != "\n" }), !url.isEmpty { line("URL:" + url) }
            line("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            line("END:VEVENT")
        }
        line("END:VCALENDAR")
        return out
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousWasReturn = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousWasReturn { out += "\\n" }
            default: out.unicodeScalars.append(scalar)
            }
            previousWasReturn = scalar == "\r"
        }
        return out
    }

    /// Folds a content line so no line is longer than 75 octets, never splitting a UTF-8
    /// character: each continuation starts with one space (RFC 5545 §3.1).
    public static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var length = 0
        for character in line.unicodeScalars {
            let size = String(character).utf8.count
            if length + size > 75 {
                out += "\r\n "
                length = 1
            }
            out.unicodeScalars.append(character)
            length += size
        }
        return out
    }

    /// A floating local date-time, `YYYYMMDDTHHMMSS`.
    public static func local(_ day: CalendarDate, _ time: TimeOfDay) -> String {
        day.year.zeroPadded(4) + day.month.zeroPadded(2) + day.day.zeroPadded(2) + "T"
            + (time.minutes / 60).zeroPadded(2) + (time.minutes % 60).zeroPadded(2) + "00"
    }

    /// The RRULE day codes, Sunday first.
    public static let weekdays = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]

    /// A UTC date-time, `YYYYMMDDTHHMMSSZ`.
    public static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (parts.year ?? 0).zeroPadded(4) + (parts.month ?? 0).zeroPadded(2) + (parts.day ?? 0).zeroPadded(2)
            + "T" + (parts.hour ?? 0).zeroPadded(2) + (parts.minute ?? 0).zeroPadded(2)
            + (parts.second ?? 0).zeroPadded(2) + "Z"
    }
}
