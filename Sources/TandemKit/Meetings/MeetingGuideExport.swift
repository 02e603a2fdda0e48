import Foundation

/// Writes meetings as a Meeting Guide feed (code4recovery/spec). Each record starts from the
/// record the meeting came with (`raw`), so fields Tandem does not use travel on unchanged;
/// the fields Tandem manages are written from the meeting itself. Reading the feed back with
/// `MeetingGuide.parse` gives the same meetings.
public enum MeetingGuideExport {
    /// Fields written from the meeting; anything else in `raw` is passed through.
    static let managed: Set<String> = [
        "name", "slug", "day", "time", "end_time", "timezone", "types", "attendance_option", "location",
        "formatted_address", "latitude", "longitude", "approximate", "region", "conference_url", "conference_phone",
        "notes", "group", "updated", "url",
    ]

    public static func record(_ meeting: Meeting) -> [String: Any] {
        var record: [String: Any] = [:]
        if let data = meeting.raw.data(using: .utf8),
            let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            for (key, value) in fields where !managed.contains(key) { record[key] = value }
        }
        // A `region` of our own replaces the feed's list, which it came from.
        if record["regions"] != nil && meeting.region != regionsLast(record["regions"]) {
            record["regions"] = nil
        }
        record["name"] = meeting.name
        record["slug"] = meeting.slug
        if meeting.days.count == 1 {
            record["day"] = meeting.days[0]
        } else if !meeting.days.isEmpty {
            record["day"] = meeting.days
        }
        if let time = meeting.time { record["time"] = time.description }
        if let end = meeting.endTime { record["end_time"] = end.description }
        if !meeting.timeZone.isEmpty { record["timezone"] = meeting.timeZone }
        record["types"] = meeting.types
        record["attendance_option"] = meeting.attendance.rawValue
        let text: [(String, String)] = [
            ("location", meeting.location), ("formatted_address", meeting.formattedAddress),
            ("region", meeting.region), ("conference_url", meeting.conferenceURL),
            ("conference_phone", meeting.conferencePhone), ("notes", meeting.notes), ("group", meeting.group),
            ("updated", meeting.updated), ("url", meeting.url),
        ]
        for (key, value) in text where !value.isEmpty { record[key] = value }
        if let latitude = meeting.latitude, let longitude = meeting.longitude {
            record["latitude"] = latitude
            record["longitude"] = longitude
            record["approximate"] = meeting.approximate ? "yes" : "no"
        }
        return record
    }

    static func regionsLast(_ value: Any?) -> String? {
        (value as? [Any])?.compactMap { $0 as? String }.last
    }

    /// The feed as JSON text: an array of records, keys sorted so the same meetings give the
    /// same bytes.
    public static func feed(_ meetings: [Meeting]) -> Data {
        Data(JSONText.encode(meetings.map(record)).utf8)
    }
}

/// A meeting an organization runs itself, as typed in its form: the rules for keeping one,
/// and the `Meeting` it makes.
public struct MeetingDraft: Sendable, Equatable {
    public var name: String
    public var days: [Int]
    public var time: String
    public var endTime: String
    public var types: [String]
    public var location: String
    public var address: String
    public var latitude: String
    public var longitude: String
    public var region: String
    public var conferenceURL: String
    public var conferencePhone: String
    public var notes: String
    public var group: String

    public init(
        name: String = "", days: [Int] = [], time: String = "", endTime: String = "", types: [String] = [],
        location: String = "", address: String = "", latitude: String = "", longitude: String = "",
        region: String = "", conferenceURL: String = "", conferencePhone: String = "", notes: String = "",
        group: String = ""
    ) {
        self.name = name
        self.days = days
        self.time = time
        self.endTime = endTime
        self.types = types
        self.location = location
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.region = region
        self.conferenceURL = conferenceURL
        self.conferencePhone = conferencePhone
        self.notes = notes
        self.group = group
    }

    public init(_ meeting: Meeting) {
        self.init(
            name: meeting.name, days: meeting.days, time: meeting.time?.description ?? "",
            endTime: meeting.endTime?.description ?? "", types: meeting.types, location: meeting.location,
            address: meeting.formattedAddress, latitude: meeting.latitude.map { String($0) } ?? "",
            longitude: meeting.longitude.map { String($0) } ?? "", region: meeting.region,
            conferenceURL: meeting.conferenceURL, conferencePhone: meeting.conferencePhone, notes: meeting.notes,
            group: meeting.group)
    }

    public func normalized() -> MeetingDraft {
        let trim: (String) -> String = { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var codes: [String] = []
        for code in types.map(trim) where !code.isEmpty && !codes.contains(code) { codes.append(code) }
        return MeetingDraft(
            name: trim(name), days: Array(Set(days.filter { (0...6).contains($0) })).sorted(), time: trim(time),
            endTime: trim(endTime), types: codes, location: trim(location), address: trim(address),
            latitude: trim(latitude), longitude: trim(longitude), region: trim(region),
            conferenceURL: trim(conferenceURL), conferencePhone: trim(conferencePhone), notes: trim(notes),
            group: trim(group))
    }

    public func problems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if name.isEmpty { found.append(("name", "error_meeting_name_required")) }
        if name.count > MeetingGuide.nameLimit { found.append(("name", "error_text_too_long")) }
        if days.isEmpty { found.append(("days", "error_meeting_days")) }
        if TimeOfDay(time) == nil { found.append(("time", "error_session_time_invalid")) }
        if !endTime.isEmpty && TimeOfDay(endTime) == nil { found.append(("end_time", "error_session_time_invalid")) }
        if types.count > 30 || types.contains(where: { $0.count > 20 || $0.contains(",") }) {
            found.append(("types", "error_meeting_types"))
        }
        for (field, value) in [
            ("location", location), ("address", address), ("region", region), ("group", group),
            ("conference_phone", conferencePhone),
        ] where value.count > 300 {
            found.append((field, "error_text_too_long"))
        }
        if notes.count > 2000 { found.append(("notes", "error_text_too_long")) }
        let coordinates = ResourceDraft(latitude: latitude, longitude: longitude)
        if latitude.isEmpty != longitude.isEmpty || (!latitude.isEmpty && coordinates.coordinates == nil) {
            found.append(("latitude", "error_resource_coordinates"))
        }
        if !conferenceURL.isEmpty && !AppointmentDraft.isWebLink(conferenceURL) {
            found.append(("conference_url", "error_resource_website"))
        }
        if address.isEmpty && latitude.isEmpty && conferenceURL.isEmpty && conferencePhone.isEmpty {
            found.append(("address", "error_meeting_where"))
        }
        return found
    }

    /// The meeting this draft makes, under `slug`, keeping the fields of `raw` it does not manage.
    public func meeting(slug: String, timeZone: String, raw: String = "{}", updated: Date) -> Meeting {
        let coordinates = ResourceDraft(latitude: latitude, longitude: longitude).coordinates
        let online = !conferenceURL.isEmpty || !conferencePhone.isEmpty
        let hasPlace = !address.isEmpty || coordinates != nil
        let attendance: Meeting.Attendance = hasPlace ? (online ? .hybrid : .inPerson) : .online
        var meeting = Meeting(
            slug: slug, name: name, days: days, time: TimeOfDay(time), endTime: TimeOfDay(endTime),
            timeZone: timeZone, types: types, attendance: attendance, location: location, formattedAddress: address,
            latitude: coordinates?.latitude, longitude: coordinates?.longitude, approximate: false, region: region,
            conferenceURL: conferenceURL, conferencePhone: conferencePhone, notes: notes, group: group,
            updated: Self.updatedText(updated), url: "", raw: raw)
        // Address parts the feed once gave no longer describe an address typed here.
        var fields =
            (raw.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }) ?? [:]
        if (fields["formatted_address"] as? String) != address {
            for key in ["address", "city", "state", "postal_code", "country"] { fields[key] = nil }
        }
        if fields["regions"] != nil && MeetingGuideExport.regionsLast(fields["regions"]) != region {
            fields["regions"] = nil
        }
        meeting.url = (fields["url"] as? String) ?? ""
        meeting.raw = ""
        var record = MeetingGuideExport.record(meeting)
        for (key, value) in fields where record[key] == nil && !MeetingGuideExport.managed.contains(key) {
            record[key] = value
        }
        meeting.raw = JSONText.encode(record)
        return meeting
    }

    /// "YYYY-MM-DD HH:MM:SS" in UTC, as the spec writes `updated`.
    public static func updatedText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(p.year!)-\(p.month!.zeroPadded(2))-\(p.day!.zeroPadded(2)) "
            + "\(p.hour!.zeroPadded(2)):\(p.minute!.zeroPadded(2)):\(p.second!.zeroPadded(2))"
    }

    /// A slug from the name: lower-case letters, digits and dashes, with `suffix` to keep it unique.
    public static func slug(_ name: String, suffix: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        let base = String(slug.prefix(MeetingGuide.slugLimit - suffix.count - 1)).trimmingCharacters(
            in: CharacterSet(charactersIn: "-"))
        return base.isEmpty ? suffix : base + "-" + suffix
    }
}
