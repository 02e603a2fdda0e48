import Foundation

/// Where an appointment stands. Only a scheduled one changes: it is moved (rescheduled),
/// cancelled with a reason, or once its time has come, recorded as attended or missed.
public enum AppointmentStatus: String, Sendable, CaseIterable, Codable {
    case scheduled, attended, missed, cancelled

    public var isOpen: Bool { self == .scheduled }
}

/// What a coach types to plan (or move) an appointment: the day and times in the
/// organization's time zone, how they will meet, and where or by which video link.
public struct AppointmentDraft: Equatable, Sendable {
    public var date: String
    public var start: String
    public var end: String
    public var mode: String
    public var place: String
    public var videoLink: String

    public static let placeLimit = 200
    public static let linkLimit = 500
    public static let longestMinutes = 12 * 60
    /// Appointments are planned up to two years ahead.
    public static let furthestDays = 731

    public init(
        date: String = "", start: String = "", end: String = "", mode: String = "", place: String = "",
        videoLink: String = ""
    ) {
        self.date = date
        self.start = start
        self.end = end
        self.mode = mode
        self.place = place
        self.videoLink = videoLink
    }

    public func normalized() -> AppointmentDraft {
        let trim: (String) -> String = { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return AppointmentDraft(
            date: trim(date), start: trim(start), end: trim(end), mode: trim(mode), place: trim(place),
            videoLink: trim(videoLink))
    }

    /// The start and end instants in `timeZone`, when the day and times make sense.
    public func interval(in timeZone: TimeZone) -> (start: Date, end: Date)? {
        guard let day = CalendarDate(date), let start = TimeOfDay(start), let end = TimeOfDay(end), end > start else {
            return nil
        }
        guard let from = Self.instant(day, start, in: timeZone), let to = Self.instant(day, end, in: timeZone) else {
            return nil
        }
        return (from, to)
    }

    /// The instant of a wall-clock time on `day` in `timeZone` (a time skipped by a clock
    /// change moves forward, as calendars do).
    public static func instant(_ day: CalendarDate, _ time: TimeOfDay, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(
            from: DateComponents(
                year: day.year, month: day.month, day: day.day, hour: time.minutes / 60, minute: time.minutes % 60))
    }

    /// Each field at fault with the message key saying why. An appointment starts after
    /// `now`, lasts at most 12 hours, and says where it is (in person, off-site) or may carry
    /// a web link (video).
    public func problems(now: Date, in timeZone: TimeZone) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        let today = CalendarDate(now, in: timeZone)
        if let day = CalendarDate(date) {
            if today.days(until: day) > Self.furthestDays { found.append(("date", "error_appointment_too_far")) }
        } else {
            found.append(("date", date.isEmpty ? "error_session_date_required" : "error_date_invalid"))
        }
        if TimeOfDay(start) == nil {
            found.append(("start", start.isEmpty ? "error_time_required" : "error_session_time_invalid"))
        } else if TimeOfDay(end) == nil {
            found.append(("end", end.isEmpty ? "error_time_required" : "error_session_time_invalid"))
        } else if let startTime = TimeOfDay(start), let endTime = TimeOfDay(end) {
            if endTime <= startTime {
                found.append(("end", "error_end_before_start"))
            } else if endTime.minutes - startTime.minutes > Self.longestMinutes {
                found.append(("end", "error_session_duration"))
            } else if let interval = interval(in: timeZone), interval.start <= now, CalendarDate(date) != nil {
                found.append(("start", "error_appointment_past"))
            }
        }
        guard let mode = ContactMode(rawValue: mode) else {
            found.append(("mode", mode.isEmpty ? "error_choose_one" : "error_value_invalid"))
            return found
        }
        if mode.needsPlace && place.isEmpty { found.append(("place", "error_appointment_place_required")) }
        if place.unicodeScalars.count > Self.placeLimit {
            found.append(("place", "error_text_too_long"))
        } else if place.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            found.append(("place", "error_text_invalid"))
        }
        // How to join: the web address of the organization's video tool for a video
        // appointment, or the number to call for a phone one.
        if !videoLink.isEmpty {
            let fits =
                mode == .video ? Self.isWebLink(videoLink) : mode == .phone && FieldRules.phoneLine(videoLink) == nil
            if !fits { found.append(("video_link", "error_appointment_link")) }
        }
        return found
    }

    /// An https (or http) address with a host and no spaces or control characters.
    public static func isWebLink(_ text: String) -> Bool {
        guard text.utf8.count <= linkLimit,
            !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}

/// The reason given for moving or cancelling an appointment, or what is wrong with it.
public enum AppointmentReason {
    public static let limit = 500

    public static func problem(_ text: String) -> String? {
        if text.isEmpty { return "error_appointment_reason" }
        if text.unicodeScalars.count > limit { return "error_text_too_long" }
        if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) { return "error_text_invalid" }
        return nil
    }
}

/// Who a calendar feed shows an appointment to, and how much of it.
public enum CalendarFeedDetail: String, Sendable, CaseIterable, Codable {
    /// Times only, titled "Tandem appointment": safe on a shared or synced calendar.
    case times
    /// Also the other person's first name, how you meet and where (or the video link).
    case details
}

/// The first word of a name: feeds and reminders never carry a full name.
public func firstName(_ name: String) -> String {
    name.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
}

/// An appointment as a calendar shows it, to one of the two people in it.
public struct CalendarAppointment: Sendable {
    public let id: String
    public let start: Date
    public let end: Date
    public let status: AppointmentStatus
    public let mode: ContactMode?
    public let place: String
    public let videoLink: String
    /// The other person's name (the coach for a participant's calendar, and the reverse).
    public let otherName: String
    /// How many times it was moved or cancelled, for the event's SEQUENCE.
    public let changes: Int

    public init(
        id: String, start: Date, end: Date, status: AppointmentStatus, mode: ContactMode?, place: String,
        videoLink: String, otherName: String, changes: Int
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.status = status
        self.mode = mode
        self.place = place
        self.videoLink = videoLink
        self.otherName = otherName
        self.changes = changes
    }

    /// The VEVENT: with `.times`, a plain title and nothing else; with `.details`, the other
    /// person's first name, the mode and the place or link. `titles` gives the words in the
    /// owner's language: the plain title, the title with a first name, and a mode's name.
    public func event(
        detail: CalendarFeedDetail, domain: String, plainTitle: String, titleWith: (String) -> String,
        modeName: (ContactMode) -> String
    ) -> ICalendar.Event {
        let name = firstName(otherName)
        let detailed = detail == .details
        return ICalendar.Event(
            uid: id.lowercased() + "@" + domain, start: start, end: end,
            summary: detailed && !name.isEmpty ? titleWith(name) : plainTitle,
            location: detailed ? place : "", description: detailed ? (mode.map(modeName) ?? "") : "",
            url: detailed && AppointmentDraft.isWebLink(videoLink) ? videoLink : nil, cancelled: status == .cancelled,
            sequence: changes)
    }
}
