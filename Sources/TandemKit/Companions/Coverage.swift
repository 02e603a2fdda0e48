import Foundation

/// How much of the day a sober companion stays with a person.
public enum CoveragePattern: String, Sendable, CaseIterable, Codable {
    /// Around the clock, every day.
    case fullTime = "full_time"
    /// Every day from 08:00 to 20:00.
    case days
    /// Every night from 20:00 to 08:00 the next morning.
    case nights
    /// Saturdays and Sundays, all day.
    case weekends
    /// The organization's own window on chosen weekdays.
    case custom
}

/// A coverage plan: on which weekdays, from what time to what time (an end at or before the
/// start runs into the next day). Times are wall-clock in the person's time zone, so a night
/// across a change of the clocks is as long as it really is.
public struct CoveragePlan: Sendable, Equatable {
    public var start: TimeOfDay
    public var end: TimeOfDay
    /// 1 = Sunday … 7 = Saturday (Calendar's weekday numbers): the days a window starts on.
    public var weekdays: Set<Int>

    public init(start: TimeOfDay, end: TimeOfDay, weekdays: Set<Int> = Set(1...7)) {
        self.start = start
        self.end = end
        self.weekdays = weekdays
    }

    /// The plan a pattern stands for; a custom one takes `start`, `end` and `weekdays`.
    public static func of(
        _ pattern: CoveragePattern, start: TimeOfDay? = nil, end: TimeOfDay? = nil, weekdays: Set<Int> = Set(1...7)
    ) -> CoveragePlan? {
        let midnight = TimeOfDay(minutes: 0)!
        switch pattern {
        case .fullTime: return CoveragePlan(start: midnight, end: midnight)
        case .days: return CoveragePlan(start: TimeOfDay(minutes: 8 * 60)!, end: TimeOfDay(minutes: 20 * 60)!)
        case .nights: return CoveragePlan(start: TimeOfDay(minutes: 20 * 60)!, end: TimeOfDay(minutes: 8 * 60)!)
        case .weekends: return CoveragePlan(start: midnight, end: midnight, weekdays: [1, 7])
        case .custom:
            guard let start, let end, !weekdays.isEmpty, weekdays.allSatisfy((1...7).contains) else { return nil }
            return CoveragePlan(start: start, end: end, weekdays: weekdays)
        }
    }

    /// The windows that must be covered from `first` to `last` (days the windows start on),
    /// as real instants; consecutive windows (around the clock) join into one.
    public func windows(from first: CalendarDate, through last: CalendarDate, in zone: TimeZone) -> [(
        start: Date, end: Date
    )] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var found: [(start: Date, end: Date)] = []
        var day = first
        while day <= last {
            defer { day = day.adding(days: 1) ?? last.adding(days: 1)! }
            guard let startsAt = AppointmentDraft.instant(day, start, in: zone),
                let weekday = calendar.dateComponents([.weekday], from: startsAt).weekday, weekdays.contains(weekday),
                let endDay = end <= start ? day.adding(days: 1) : day,
                let endsAt = AppointmentDraft.instant(endDay, end, in: zone)
            else { continue }
            if let last = found.last, last.end >= startsAt {
                found[found.count - 1].end = max(last.end, endsAt)
            } else {
                found.append((startsAt, endsAt))
            }
        }
        return found
    }

    /// The parts of `required` that no shift covers, in order.
    public static func gaps(_ required: [(start: Date, end: Date)], shifts: [(start: Date, end: Date)]) -> [(
        start: Date, end: Date
    )] {
        let covered = shifts.filter { $0.end > $0.start }.sorted { $0.start < $1.start }
        var gaps: [(start: Date, end: Date)] = []
        for window in required {
            var cursor = window.start
            for shift in covered where shift.end > cursor && shift.start < window.end {
                if shift.start > cursor { gaps.append((cursor, min(shift.start, window.end))) }
                cursor = max(cursor, shift.end)
                if cursor >= window.end { break }
            }
            if cursor < window.end { gaps.append((cursor, window.end)) }
        }
        return gaps
    }
}

/// What a companion writes in the shift log.
public enum ShiftLogCategory: String, Sendable, CaseIterable, Codable {
    case meetingAttended = "meeting_attended"
    case activity
    /// A trigger met, and how it was handled.
    case trigger
    case mood, concern
    case planProgress = "plan_progress"
    case incident
}

/// Hours worked, for billing by the hour and the timesheet: quarter hours, rounded to the nearest.
public enum CompanionHours {
    public static func quarterHours(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) / 900).rounded()))
    }

    /// "7.75" for 31 quarter hours.
    public static func text(quarterHours: Int) -> String {
        "\(quarterHours / 4)." + ["00", "25", "50", "75"][quarterHours % 4]
    }
}

/// A coverage plan as it changed over time: each version is in force from its moment until
/// the next one's, so a week already past is read against the plan and the rate of its own
/// time, not against today's. The first version also stands for the time before it (a rate
/// set when the plan was made applies to shifts recorded before that).
public struct CoverageHistory: Sendable {
    public struct Version: Sendable {
        public let from: Date
        public let plan: CoveragePlan?
        public let hourlyRateCents: Int

        public init(from: Date, plan: CoveragePlan?, hourlyRateCents: Int) {
            self.from = from
            self.plan = plan
            self.hourlyRateCents = hourlyRateCents
        }
    }

    /// Oldest first; of two saved at the same moment, the later given wins.
    public let versions: [Version]

    public init(_ versions: [Version]) {
        self.versions = versions.enumerated().sorted { ($0.element.from, $0.offset) < ($1.element.from, $1.offset) }
            .map(\.element)
    }

    /// When each version is in force: from its moment (the first: always) until the next's.
    private func span(_ index: Int) -> (start: Date, end: Date) {
        (
            index == 0 ? .distantPast : versions[index].from,
            index + 1 < versions.count ? versions[index + 1].from : .distantFuture
        )
    }

    /// The windows to cover for the days `first` through `last`, each part under the plan in
    /// force at that time; nil when no version has a plan (nothing is required).
    public func windows(from first: CalendarDate, through last: CalendarDate, in zone: TimeZone) -> [(
        start: Date, end: Date
    )]? {
        guard versions.contains(where: { $0.plan != nil }) else { return nil }
        var found: [(start: Date, end: Date)] = []
        for (index, version) in versions.enumerated() {
            guard let plan = version.plan else { continue }
            let (lower, upper) = span(index)
            guard upper > lower else { continue }
            for window in plan.windows(from: first, through: last, in: zone) {
                let start = max(window.start, lower)
                let end = min(window.end, upper)
                if end > start { found.append((start, end)) }
            }
        }
        return found
    }

    /// The version in force at `instant`.
    public func inForce(at instant: Date) -> Version? {
        versions.indices.last { span($0).start <= instant && instant < span($0).end }.map { versions[$0] }
    }
}
