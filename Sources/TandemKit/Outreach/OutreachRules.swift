import Foundation

/// An organization's rules for reaching out (recovery check-ups): who goes on a coach's
/// outreach list, and why.
public struct OutreachPolicy: Sendable, Equatable {
    /// An active engagement without contact for this many days (0: the rule is off).
    public var noContactDays: Int
    /// A missed appointment puts the person on the list until someone reaches out.
    public var missedAppointments: Bool
    /// A check-in asking to be contacted does too.
    public var reachOutRequests: Bool
    /// Days after an engagement completed when a check-up is due (e.g. 30, 90, 180).
    public var checkUpDays: [Int]
    /// Days after discharge of the contacts planned for a hand-off from a treatment center.
    public var aftercareDays: [Int]

    public static let noContactRange = 0...365
    public static let checkUpRange = 1...1095
    /// After an attempt that did not reach the person, how long they stay off the list.
    public static let retryDays = 3

    public init(
        noContactDays: Int = 14, missedAppointments: Bool = true, reachOutRequests: Bool = true,
        checkUpDays: [Int] = [30, 90, 180], aftercareDays: [Int] = AftercarePlan.defaultDays
    ) {
        self.noContactDays = noContactDays
        self.missedAppointments = missedAppointments
        self.reachOutRequests = reachOutRequests
        self.checkUpDays = checkUpDays
        self.aftercareDays = aftercareDays
    }

    /// Check-up days as typed ("30, 90, 180"): whole days in range, each once, in order; nil
    /// when one is not.
    public static func parseCheckUpDays(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" })
        var days: [Int] = []
        for part in parts {
            guard let day = Int(part), checkUpRange.contains(day) else { return nil }
            if !days.contains(day) { days.append(day) }
        }
        return days.count <= 10 ? days.sorted() : nil
    }
}

/// Why a person is on the outreach list (and flagged on the caseload).
public enum OutreachReason: String, Sendable, CaseIterable, Codable {
    case noRecentContact = "no_recent_contact"
    case missedAppointment = "missed_appointment"
    case reachOutRequested = "reach_out"
    case checkUpDue = "check_up_due"
    /// A contact planned after a hand-off from a treatment center is past its day.
    case aftercareOverdue = "aftercare_overdue"
}

/// What is known about one engagement when the rules are applied.
public struct OutreachFacts: Sendable {
    public var status: EngagementStatus
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    /// The last contact: a signed session note, an attended appointment, or an outreach
    /// attempt that reached the person.
    public var lastContact: Date?
    /// When the latest missed appointment was to end.
    public var lastMissedAppointment: Date?
    /// When the latest open check-in request to be contacted was made.
    public var reachOutSince: Date?
    /// The latest outreach attempt, whatever its outcome.
    public var lastAttempt: Date?
    /// The earliest due day of the hand-off contacts not yet made.
    public var aftercareDueOn: CalendarDate?

    public init(
        status: EngagementStatus, startDate: CalendarDate? = nil, endDate: CalendarDate? = nil,
        lastContact: Date? = nil, lastMissedAppointment: Date? = nil, reachOutSince: Date? = nil,
        lastAttempt: Date? = nil, aftercareDueOn: CalendarDate? = nil
    ) {
        self.status = status
        self.startDate = startDate
        self.endDate = endDate
        self.lastContact = lastContact
        self.lastMissedAppointment = lastMissedAppointment
        self.reachOutSince = reachOutSince
        self.lastAttempt = lastAttempt
        self.aftercareDueOn = aftercareDueOn
    }
}

public enum OutreachRules {
    /// The reasons that apply at `now` (`today` is the organization's date). An attempt after
    /// a missed appointment settles it; an attempt in the last few days keeps a person off the
    /// list for an open request, no contact or a check-up while the coach waits for an answer.
    public static func reasons(
        _ facts: OutreachFacts, policy: OutreachPolicy, now: Date, today: CalendarDate, timeZone: TimeZone
    ) -> [OutreachReason] {
        var found: [OutreachReason] = []
        let recentAttempt =
            facts.lastAttempt.map { now.timeIntervalSince($0) < Double(OutreachPolicy.retryDays) * 86_400 }
            ?? false
        // A request stays open until someone reaches the person (which marks it followed up);
        // an attempt since the latest request only quiets it while the coach waits for an answer.
        if policy.reachOutRequests, facts.status.isOpen, let since = facts.reachOutSince,
            !(facts.lastAttempt.map { $0 >= since } ?? false) || !recentAttempt
        {
            found.append(.reachOutRequested)
        }
        if policy.missedAppointments, facts.status.isOpen, let missed = facts.lastMissedAppointment,
            !(facts.lastAttempt.map { $0 >= missed } ?? false), !(facts.lastContact.map { $0 >= missed } ?? false)
        {
            found.append(.missedAppointment)
        }
        if policy.noContactDays > 0, facts.status == .active, !recentAttempt {
            let limit = Double(policy.noContactDays) * 86_400
            if let last = facts.lastContact {
                if now.timeIntervalSince(last) > limit { found.append(.noRecentContact) }
            } else if let start = facts.startDate, start.days(until: today) > policy.noContactDays {
                found.append(.noRecentContact)
            }
        }
        // A planned aftercare contact is a promise to the person and the treatment center: it
        // stays on the list until someone reaches them, quieted only while an attempt is fresh.
        if facts.status.isOpen, !recentAttempt, let due = facts.aftercareDueOn, due < today {
            found.append(.aftercareOverdue)
        }
        if facts.status == .completed, !recentAttempt, let due = checkUpDue(facts, policy: policy, today: today) {
            let attempted = facts.lastAttempt.map { CalendarDate($0, in: timeZone) >= due.date } ?? false
            if !attempted { found.append(.checkUpDue) }
        }
        return found
    }

    /// The latest check-up whose day has come for a completed engagement: its offset and day.
    public static func checkUpDue(_ facts: OutreachFacts, policy: OutreachPolicy, today: CalendarDate) -> (
        days: Int, date: CalendarDate
    )? {
        guard facts.status == .completed, let end = facts.endDate else { return nil }
        return policy.checkUpDays.sorted().compactMap { days -> (Int, CalendarDate)? in
            guard let date = end.adding(days: days), date <= today else { return nil }
            return (days, date)
        }.last
    }
}

/// How an outreach attempt was made and how it went.
public enum OutreachMethod: String, Sendable, CaseIterable, Codable {
    case phone, text, email
    case inPerson = "in_person"
    case letter
}

public enum OutreachOutcome: String, Sendable, CaseIterable, Codable {
    case reached
    case leftMessage = "left_message"
    case noAnswer = "no_answer"
    case wrongNumber = "wrong_number"
    case declined

    /// Whether the person was reached: that counts as contact.
    public var isContact: Bool { self == .reached || self == .declined }
}
