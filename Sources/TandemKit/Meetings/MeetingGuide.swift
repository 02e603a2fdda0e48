import Foundation

/// One meeting from a Meeting Guide feed (code4recovery/spec), as Tandem understands it. The
/// record's own JSON is kept too (`raw`), so no field of a feed is ever lost.
public struct Meeting: Sendable, Equatable {
    public var slug: String
    public var name: String
    /// 0 = Sunday … 6 = Saturday; empty for a meeting by appointment.
    public var days: [Int]
    public var time: TimeOfDay?
    public var endTime: TimeOfDay?
    public var timeZone: String
    public var types: [String]
    public var attendance: Attendance
    public var location: String
    public var formattedAddress: String
    public var latitude: Double?
    public var longitude: Double?
    public var approximate: Bool
    public var region: String
    public var conferenceURL: String
    public var conferencePhone: String
    public var notes: String
    public var group: String
    public var updated: String
    public var url: String
    /// The feed's record as it came, re-encoded as JSON text.
    public var raw: String

    public enum Attendance: String, Sendable, CaseIterable, Codable {
        case inPerson = "in_person"
        case online, hybrid, inactive
    }

    public init(
        slug: String, name: String, days: [Int], time: TimeOfDay?, endTime: TimeOfDay?, timeZone: String,
        types: [String], attendance: Attendance, location: String, formattedAddress: String, latitude: Double?,
        longitude: Double?, approximate: Bool, region: String, conferenceURL: String, conferencePhone: String,
        notes: String, group: String, updated: String, url: String, raw: String
    ) {
        self.slug = slug
        self.name = name
        self.days = days
        self.time = time
        self.endTime = endTime
        self.timeZone = timeZone
        self.types = types
        self.attendance = attendance
        self.location = location
        self.formattedAddress = formattedAddress
        self.latitude = latitude
        self.longitude = longitude
        self.approximate = approximate
        self.region = region
        self.conferenceURL = conferenceURL
        self.conferencePhone = conferencePhone
        self.notes = notes
        self.group = group
        self.updated = updated
        self.url = url
        self.raw = raw
    }

    /// The end, or an hour after the start when the feed gives none (the spec's default).
    public var effectiveEnd: TimeOfDay? {
        endTime ?? time.flatMap { TimeOfDay(minutes: ($0.minutes + 60) % (24 * 60)) }
    }
}

/// Why a record of a feed was left out, or what was noticed about one that was kept.
public struct FeedNotice: Sendable, Equatable {
    /// The record's position in the feed (0-based).
    public let index: Int
    public let slug: String?
    public let message: String
}

public struct FeedImport: Sendable {
    public let meetings: [Meeting]
    /// Records left out, each with why.
    public let skipped: [FeedNotice]
    /// Records kept with something Tandem could not use (an unknown day word, a bad end time…).
    public let warnings: [FeedNotice]
}

public enum FeedError: Error, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notAnArray
    case empty

    public var description: String {
        switch self {
        case .notJSON(let detail): detail.isEmpty ? "the feed is not JSON" : "the feed is not JSON: \(detail)"
        case .notAnArray: "the feed is not a JSON array of meetings"
        case .empty: "the feed has no meetings"
        }
    }
}

/// Reading Meeting Guide feeds as real intergroups publish them: 12-hour times, days as
/// numbers, strings, names or arrays, unknown type codes and extra fields. Each record that
/// cannot be used is reported and left out; one bad record never stops the feed.
public enum MeetingGuide {
    public static let nameLimit = 255
    /// The spec's limit; real feeds exceed it (slugs made from addresses), so a longer slug is
    /// kept with a warning, up to `slugHardLimit`.
    public static let slugLimit = 64
    public static let slugHardLimit = 255

    public static func parse(_ data: Data) -> Result<FeedImport, FeedError> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            // A web page where a feed was expected is the usual mistake (a link to the
            // intergroup's meeting list rather than to its feed): say so in plain words.
            if data.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "<") {
                return .failure(.notJSON("the address sent a web page (HTML), not a Meeting Guide feed"))
            }
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return .failure(.notJSON(detail ?? ""))
        }
        guard let records = object as? [Any] else { return .failure(.notAnArray) }
        if records.isEmpty { return .failure(.empty) }
        var meetings: [Meeting] = []
        var skipped: [FeedNotice] = []
        var warnings: [FeedNotice] = []
        var slugs = Set<String>()
        for (index, record) in records.enumerated() {
            guard let fields = record as? [String: Any] else {
                skipped.append(FeedNotice(index: index, slug: nil, message: "not a JSON object"))
                continue
            }
            switch meeting(fields) {
            case .failure(let reason):
                skipped.append(FeedNotice(index: index, slug: text(fields["slug"]), message: reason.message))
            case .success(let (meeting, notes)):
                guard slugs.insert(meeting.slug).inserted else {
                    skipped.append(FeedNotice(index: index, slug: meeting.slug, message: "duplicate slug"))
                    continue
                }
                meetings.append(meeting)
                warnings += notes.map { FeedNotice(index: index, slug: meeting.slug, message: $0) }
            }
        }
        return .success(FeedImport(meetings: meetings, skipped: skipped, warnings: warnings))
    }

    struct Reason: Error {
        let message: String
    }

    static func meeting(_ fields: [String: Any]) -> Result<(Meeting, [String]), Reason> {
        var notes: [String] = []
        guard let name = text(fields["name"]), !name.isEmpty else { return .failure(Reason(message: "no name")) }
        if name.count > nameLimit { return .failure(Reason(message: "name longer than \(nameLimit) characters")) }
        guard let slug = text(fields["slug"]), !slug.isEmpty else { return .failure(Reason(message: "no slug")) }
        if slug.count > slugHardLimit {
            return .failure(Reason(message: "slug longer than \(slugHardLimit) characters"))
        }
        if slug.count > slugLimit { notes.append("slug longer than the spec's \(slugLimit) characters, kept") }
        var days: [Int] = []
        if let value = fields["day"], !(value is NSNull) {
            guard let parsed = self.days(value) else {
                return .failure(Reason(message: "day not understood: \(describe(value))"))
            }
            days = parsed
        }
        var time: TimeOfDay?
        if let value = text(fields["time"]), !value.isEmpty {
            guard let parsed = self.time(value) else {
                return .failure(Reason(message: "time not understood: \(value)"))
            }
            time = parsed
        }
        if !days.isEmpty && time == nil { return .failure(Reason(message: "a day but no time")) }
        var endTime: TimeOfDay?
        if let value = text(fields["end_time"]), !value.isEmpty {
            endTime = self.time(value)
            if endTime == nil { notes.append("end time not understood, an hour after the start is used: \(value)") }
        }
        let conferenceURL = text(fields["conference_url"]) ?? ""
        let conferencePhone = text(fields["conference_phone"]) ?? ""
        let formatted = text(fields["formatted_address"]) ?? addressParts(fields)
        let latitude = number(fields["latitude"])
        let longitude = number(fields["longitude"])
        var coordinates = (latitude, longitude)
        if let lat = latitude, let lon = longitude, !((-90...90).contains(lat) && (-180...180).contains(lon)) {
            notes.append("coordinates out of range, left out")
            coordinates = (nil, nil)
        }
        let online = !conferenceURL.isEmpty || !conferencePhone.isEmpty
        let attendance = self.attendance(
            text(fields["attendance_option"]), online: online, hasPlace: !formatted.isEmpty || coordinates.0 != nil,
            types: types(fields["types"]))
        if attendance == nil { return .failure(Reason(message: "no location and no online link or phone")) }
        let types = self.types(fields["types"])
        let regions = (fields["regions"] as? [Any])?.compactMap { text($0) } ?? []
        let raw = JSONText.encode(fields)
        return .success(
            (
                Meeting(
                    slug: slug, name: name, days: days, time: time, endTime: endTime,
                    timeZone: text(fields["timezone"]) ?? "", types: types, attendance: attendance!,
                    location: text(fields["location"]) ?? "", formattedAddress: formatted, latitude: coordinates.0,
                    longitude: coordinates.1, approximate: text(fields["approximate"])?.lowercased() == "yes",
                    region: regions.last ?? text(fields["region"]) ?? "", conferenceURL: conferenceURL,
                    conferencePhone: conferencePhone, notes: text(fields["notes"]) ?? "",
                    group: text(fields["group"]) ?? "", updated: text(fields["updated"]) ?? "",
                    url: text(fields["url"]) ?? "", raw: raw), notes
            ))
    }

    /// In person, online, hybrid or inactive: as the feed says, else from what it gives (a
    /// place, a link or phone; TC "temporarily closed" makes an in-person meeting inactive).
    static func attendance(_ given: String?, online: Bool, hasPlace: Bool, types: [String]) -> Meeting.Attendance? {
        if let given, let known = Meeting.Attendance(rawValue: given.lowercased()) {
            if known == .online && !online { return hasPlace ? .inPerson : nil }
            return known
        }
        let closed = types.contains("TC")
        switch (hasPlace, online) {
        case (true, true): return closed ? .online : .hybrid
        case (true, false): return closed ? .inactive : .inPerson
        case (false, true): return .online
        case (false, false): return nil
        }
    }

    static let dayNames: [String: Int] = [
        "sunday": 0, "sun": 0, "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
        "thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
    ]

    /// Days as 0–6, in order, each once: a number, a string of one, a day's name, or an array.
    static func days(_ value: Any) -> [Int]? {
        func one(_ item: Any) -> Int? {
            if let number = item as? NSNumber {
                let value = number.doubleValue
                return value == value.rounded() && (0...6).contains(Int(value)) ? Int(value) : nil
            }
            guard let string = item as? String else { return nil }
            let trimmed = string.trimmingCharacters(in: .whitespaces).lowercased()
            if let number = Int(trimmed) { return (0...6).contains(number) ? number : nil }
            return dayNames[trimmed]
        }
        let items = (value as? [Any]) ?? [value]
        var days: [Int] = []
        for item in items {
            guard let day = one(item) else { return nil }
            if !days.contains(day) { days.append(day) }
        }
        return days.sorted()
    }

    /// "19:00", "7:00", "19:00:00", "7:00 PM", "7 pm", "7:30am", "noon", "midnight".
    public static func time(_ text: String) -> TimeOfDay? {
        var value = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: ".", with: "")
        if value == "noon" { return TimeOfDay(minutes: 12 * 60) }
        if value == "midnight" { return TimeOfDay(minutes: 0) }
        var meridiem: String?
        for suffix in ["am", "pm", "a", "p"] where value.hasSuffix(suffix) {
            meridiem = String(suffix.prefix(1))
            value = String(value.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            let hour = Int(parts[0]), let minute = parts.count > 1 ? Int(parts[1]) : 0,
            parts.count < 3 || Int(parts[2]) != nil, (0..<60).contains(minute)
        else { return nil }
        if parts.count > 1 && parts[1].count != 2 { return nil }
        switch meridiem {
        case "a"?:
            guard (1...12).contains(hour) else { return nil }
            return TimeOfDay(minutes: (hour % 12) * 60 + minute)
        case "p"?:
            guard (1...12).contains(hour) else { return nil }
            return TimeOfDay(minutes: (hour % 12 + 12) * 60 + minute)
        default:
            guard parts.count > 1, (0..<24).contains(hour) else { return nil }
            return TimeOfDay(minutes: hour * 60 + minute)
        }
    }

    /// Type codes as the feed gives them, trimmed, each once (unknown ones kept as they are).
    static func types(_ value: Any?) -> [String] {
        let items: [String]
        if let array = value as? [Any] {
            items = array.compactMap { text($0) }
        } else if let string = value as? String {
            items = string.split(separator: ",").map(String.init)
        } else {
            items = []
        }
        var seen: [String] = []
        for item in items.map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty && !seen.contains(item) {
            seen.append(item)
        }
        return seen
    }

    static func addressParts(_ fields: [String: Any]) -> String {
        ["address", "city", "state", "postal_code", "country"].compactMap { text(fields[$0]) }.filter { !$0.isEmpty }
            .joined(separator: ", ")
    }

    /// A text field: strings trimmed, numbers written out; anything else is not text.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string.trimmingCharacters(in: .whitespacesAndNewlines)
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        // A decimal's own conversion to double can miss by a last digit; its text does not.
        case let decimal as NSDecimalNumber: return Double(decimal.stringValue) ?? decimal.doubleValue
        case let number as NSNumber: return number.doubleValue
        case let string as String: return Double(string.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    static func describe(_ value: Any) -> String {
        let text =
            (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
            .map { String(decoding: $0, as: UTF8.self) } ?? String(describing: value)
        return String(text.prefix(60))
    }
}
