import Foundation

/// How a coach and the person were in contact.
public enum ContactMode: String, Sendable, CaseIterable, Codable {
    case inPerson = "in_person"
    case phone, video
    case textChat = "text_chat"
    /// Meeting the person where they are: home, a court date, a meeting, a walk.
    case offSite = "off_site"

    /// Modes that happen somewhere, so the note says where (payers ask for the place).
    public var needsPlace: Bool { self == .inPerson || self == .offSite }
}

/// A time of day as written in a form, `HH:MM` (24-hour).
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0..<(24 * 60)).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60
        else { return nil }
        minutes = hour * 60 + minute
    }

    public var description: String { (minutes / 60).zeroPadded(2) + ":" + (minutes % 60).zeroPadded(2) }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}

/// What a coach writes about one contact, with the rules for keeping it as a draft and for
/// signing it. A draft may be incomplete; a signed note is complete and, once signed, only
/// grows by addenda.
public struct SessionNoteDraft: Equatable, Sendable {
    /// The contact's date, `YYYY-MM-DD`.
    public var date: String
    /// `HH:MM`.
    public var start: String
    /// `HH:MM`, or empty when `durationMinutes` says how long it was.
    public var end: String
    public var durationMinutes: Int?
    /// A `ContactMode` raw value.
    public var mode: String
    public var place: String
    /// Everyone the contact was with; more than one makes it a group session.
    public var participantIDs: [String]
    /// The plan goals worked on, as the plan names them.
    public var goals: [String]
    /// What was done and why.
    public var done: String
    /// How the person responded.
    public var response: String
    public var nextSteps: String

    public static let textLimit = 5000
    public static let placeLimit = 200
    public static let groupLimit = 30
    public static let longestMinutes = 12 * 60

    public init(
        date: String = "", start: String = "", end: String = "", durationMinutes: Int? = nil, mode: String = "",
        place: String = "", participantIDs: [String] = [], goals: [String] = [], done: String = "",
        response: String = "", nextSteps: String = ""
    ) {
        self.date = date
        self.start = start
        self.end = end
        self.durationMinutes = durationMinutes
        self.mode = mode
        self.place = place
        self.participantIDs = participantIDs
        self.goals = goals
        self.done = done
        self.response = response
        self.nextSteps = nextSteps
    }

    public var isGroup: Bool { Set(participantIDs).count > 1 }

    /// Trimmed text; each participant and goal once, in the order given.
    public func normalized() -> SessionNoteDraft {
        var copy = self
        let trim: (String) -> String = { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        copy.date = trim(date)
        copy.start = trim(start)
        copy.end = trim(end)
        copy.place = trim(place)
        copy.done = trim(done)
        copy.response = trim(response)
        copy.nextSteps = trim(nextSteps)
        var seen = Set<String>()
        copy.participantIDs = participantIDs.map(trim).filter { !$0.isEmpty && seen.insert($0).inserted }
        var seenGoals = Set<String>()
        copy.goals = goals.map(trim).filter { !$0.isEmpty && seenGoals.insert($0).inserted }
        return copy
    }

    /// The contact's start and end, from the end time or the duration; nil when they are
    /// missing or do not make sense. The note is dated the day the contact starts; an end
    /// earlier than the start is the next morning (a night with a sober companion, a call at
    /// 23:30 that ran past midnight), as long as the contact stays within the longest allowed,
    /// so a slip such as 14:00 to 13:00 is still refused.
    public var times: (start: TimeOfDay, end: TimeOfDay)? {
        guard let start = TimeOfDay(start) else { return nil }
        let day = 24 * 60
        if !end.isEmpty {
            guard let end = TimeOfDay(end), end != start else { return nil }
            let length = (end.minutes - start.minutes + day) % day
            if end < start && length > Self.longestMinutes { return nil }
            if let durationMinutes, durationMinutes != length { return nil }
            return (start, end)
        }
        guard let durationMinutes, durationMinutes > 0, durationMinutes < day,
            let end = TimeOfDay(minutes: (start.minutes + durationMinutes) % day)
        else { return nil }
        return (start, end)
    }

    /// Minutes of contact, when the times make sense.
    public var minutes: Int? { times.map { ($0.end.minutes - $0.start.minutes + 24 * 60) % (24 * 60) } }

    /// Each field at fault with the message key saying why. A draft needs only a valid date
    /// and someone it was with; `forSigning` asks for everything a billable note needs (times,
    /// mode, the place of an in-person or off-site contact, and the three narrative parts).
    public func problems(today: CalendarDate, forSigning: Bool) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if let day = CalendarDate(date) {
            if day > today {
                found.append(("date", "error_date_future"))
            } else if let earliest = today.adding(months: -120), day < earliest {
                // Notes are written within days of a contact; a date ten years back is a slip
                // of the year (1900 for 2026), not a contact to report or bill.
                found.append(("date", "error_session_date_old"))
            }
        } else {
            found.append(("date", date.isEmpty ? "error_session_date_required" : "error_date_invalid"))
        }
        if participantIDs.isEmpty {
            found.append(("participants", "error_session_participants_required"))
        } else if participantIDs.count > Self.groupLimit {
            found.append(("participants", "error_value_invalid"))
        }
        if !start.isEmpty || !end.isEmpty || durationMinutes != nil || forSigning {
            if TimeOfDay(start) == nil {
                found.append(("start", start.isEmpty ? "error_session_time_required" : "error_session_time_invalid"))
            } else if !end.isEmpty && TimeOfDay(end) == nil {
                found.append(("end", "error_session_time_invalid"))
            } else if end.isEmpty && durationMinutes == nil {
                found.append(("end", "error_session_time_required"))
            } else if let durationMinutes, !(1...Self.longestMinutes).contains(durationMinutes) {
                found.append(("duration", "error_session_duration"))
            } else if let minutes, minutes > Self.longestMinutes {
                found.append(("end", "error_session_duration"))
            } else if times == nil {
                found.append(("end", "error_session_end_before_start"))
            }
        }
        if !mode.isEmpty && ContactMode(rawValue: mode) == nil {
            found.append(("mode", "error_value_invalid"))
        } else if forSigning && mode.isEmpty {
            found.append(("mode", "error_choose_one"))
        }
        if forSigning, ContactMode(rawValue: mode)?.needsPlace == true, place.isEmpty {
            found.append(("place", "error_session_place_required"))
        }
        for (field, text, limit) in [
            ("place", place, Self.placeLimit), ("done", done, Self.textLimit), ("response", response, Self.textLimit),
            ("next_steps", nextSteps, Self.textLimit),
        ] {
            if text.unicodeScalars.count > limit {
                found.append((field, "error_text_too_long"))
            } else if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                found.append((field, "error_text_invalid"))
            } else if forSigning && field != "place" && text.isEmpty {
                found.append((field, "error_session_narrative_required"))
            }
        }
        if goals.count > 50 || goals.contains(where: { $0.unicodeScalars.count > 500 }) {
            found.append(("goals", "error_value_invalid"))
        }
        return found
    }

    /// What is wrong with the trimmed text of an addendum, if anything.
    public static func addendumProblems(_ text: String) -> [(field: String, key: String)] {
        if text.isEmpty { return [("text", "error_session_narrative_required")] }
        if text.unicodeScalars.count > textLimit { return [("text", "error_text_too_long")] }
        if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) { return [("text", "error_text_invalid")] }
        return []
    }
}

/// Where a signed note stands with its supervisor, when the organization asks for review.
public enum NoteReview: String, Sendable, CaseIterable, Codable {
    /// The organization does not review notes.
    case notRequired = "not_required"
    case pending
    case approved
    /// Sent back with a comment; an addendum answers it and sends the note back for review.
    case returned

    /// Whether a signed note in this state may be billed.
    public var allowsBilling: Bool { self == .notRequired || self == .approved }

    /// The state after a supervisor's decision, or nil when there is nothing to decide.
    public func deciding(approve: Bool) -> NoteReview? {
        guard self == .pending else { return nil }
        return approve ? .approved : .returned
    }

    /// The state after the coach adds an addendum: where notes are reviewed, the note (sent
    /// back or already approved) goes back for review, since what it says has grown.
    public var afterAddendum: NoteReview { self == .notRequired ? .notRequired : .pending }
}
