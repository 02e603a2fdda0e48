/// Milestones counted from the recovery start date the person chose: 24 hours, 30, 60 and
/// 90 days, 6 months, 1 year, then every year. Dates are calendar days, so clocks changing
/// for daylight saving never move one; a start on 29 February has its yearly milestones on
/// 28 February in the years without one.
public struct Milestone: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case day(Int)
        case months(Int)
        case years(Int)
    }

    public let kind: Kind
    public let date: CalendarDate

    /// The message key naming it, with `count` for its number.
    public var messageKey: String {
        switch kind {
        case .day(1): "milestone_24_hours"
        case .day: "milestone_days"
        case .months: "milestone_months"
        case .years(1): "milestone_1_year"
        case .years: "milestone_years"
        }
    }

    public var count: Int {
        switch kind {
        case .day(let n), .months(let n), .years(let n): n
        }
    }
}

public enum Milestones {
    /// Days in recovery on `today`: 0 on the start date itself.
    public static func dayCount(start: CalendarDate, today: CalendarDate) -> Int {
        max(0, start.days(until: today))
    }

    /// Every milestone from `start` up to and including `through`, in date order.
    public static func all(start: CalendarDate, through: CalendarDate) -> [Milestone] {
        var found: [Milestone] = []
        for days in [1, 30, 60, 90] {
            if let date = start.adding(days: days) { found.append(Milestone(kind: .day(days), date: date)) }
        }
        if let date = start.adding(months: 6) { found.append(Milestone(kind: .months(6), date: date)) }
        var year = 1
        while let date = start.adding(months: 12 * year), date <= through {
            found.append(Milestone(kind: .years(year), date: date))
            year += 1
        }
        return found.filter { $0.date <= through }.sorted { $0.date < $1.date }
    }

    /// The milestone reached most recently, if it was within `days` days of `today` (so it
    /// is still celebrated on the person's next visits that week).
    public static func recent(start: CalendarDate, today: CalendarDate, within days: Int = 7) -> Milestone? {
        guard let last = all(start: start, through: today).last else { return nil }
        return last.date.days(until: today) < days ? last : nil
    }

    /// The next milestone after `today`.
    public static func next(start: CalendarDate, today: CalendarDate) -> Milestone? {
        guard let horizon = today.adding(months: 13) else { return nil }
        return all(start: start, through: horizon).first { $0.date > today }
    }
}
