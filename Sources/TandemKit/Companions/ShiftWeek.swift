import Foundation

/// A companion week, Monday to Sunday on the person's calendar: the unit of the weekly
/// summary the person reads, and a court or treatment center under their consent.
public struct ShiftWeek: Sendable, Hashable, Comparable {
    public let monday: CalendarDate

    /// The week `day` falls in.
    public init(containing day: CalendarDate) {
        // Day number 0 (1970-01-01) was a Thursday, three days after a Monday.
        let sinceMonday = ((day.dayNumber + 3) % 7 + 7) % 7
        monday = day.adding(days: -sinceMonday) ?? day
    }

    public var sunday: CalendarDate { monday.adding(days: 6) ?? monday }
    public var previous: ShiftWeek { ShiftWeek(containing: monday.adding(days: -7) ?? monday) }
    public var next: ShiftWeek { ShiftWeek(containing: monday.adding(days: 7) ?? monday) }

    /// From Monday's midnight to the next Monday's, as real instants: a week with a change of
    /// the clocks is an hour shorter or longer.
    public func interval(in zone: TimeZone) -> (start: Date, end: Date)? {
        let midnight = TimeOfDay(minutes: 0)!
        guard let nextMonday = monday.adding(days: 7),
            let start = AppointmentDraft.instant(monday, midnight, in: zone),
            let end = AppointmentDraft.instant(nextMonday, midnight, in: zone)
        else { return nil }
        return (start, end)
    }

    public static func < (lhs: ShiftWeek, rhs: ShiftWeek) -> Bool { lhs.monday < rhs.monday }
}

/// What a week of shifts adds up to: the time a companion was with the person, the time the
/// plan asked for and how much of it no shift covered, and the shift log by category.
public struct ShiftWeekSummary: Sendable, Equatable {
    /// Quarter hours with a companion inside the week, up to now: a shift across Sunday
    /// midnight counts in each week for its own part, and two shifts at once (a hand-over
    /// that overlaps) count once.
    public let quarterHours: Int
    /// Quarter hours the coverage plan asks for in the week; nil without a plan.
    public let plannedQuarterHours: Int?
    /// Quarter hours of the plan that no shift covers.
    public let uncoveredQuarterHours: Int?
    public let counts: [ShiftLogCategory: Int]

    public static func make(
        week: (start: Date, end: Date), shifts: [(start: Date, end: Date)], required: [(start: Date, end: Date)]?,
        entries: [ShiftLogCategory], now: Date = .distantFuture
    ) -> ShiftWeekSummary {
        func clipped(_ spans: [(start: Date, end: Date)]) -> [(start: Date, end: Date)] {
            spans.compactMap { span in
                let start = max(span.start, week.start)
                let end = min(span.end, week.end)
                return end > start ? (start, end) : nil
            }
        }
        func quarters(_ spans: [(start: Date, end: Date)]) -> Int {
            spans.reduce(0) { $0 + CompanionHours.quarterHours(from: $1.start, to: $1.end) }
        }
        let inWeek = clipped(shifts)
        let planned = required.map(clipped)
        let worked = merged(inWeek.compactMap { span in span.start < now ? (span.start, min(span.end, now)) : nil })
        return ShiftWeekSummary(
            quarterHours: quarters(worked), plannedQuarterHours: planned.map(quarters),
            uncoveredQuarterHours: planned.map { quarters(CoveragePlan.gaps($0, shifts: inWeek)) },
            counts: entries.reduce(into: [:]) { $0[$1, default: 0] += 1 })
    }
}

extension ShiftWeekSummary {
    /// The spans joined where they overlap or touch, in order.
    static func merged(_ spans: [(start: Date, end: Date)]) -> [(start: Date, end: Date)] {
        var out: [(start: Date, end: Date)] = []
        for span in spans.sorted(by: { $0.start < $1.start }) where span.end > span.start {
            if let last = out.last, span.start <= last.end {
                out[out.count - 1].end = max(last.end, span.end)
            } else {
                out.append(span)
            }
        }
        return out
    }
}

extension CompanionHours {
    /// What `quarterHours` come to at an hourly rate, in cents, half a cent rounded up.
    public static func amountCents(quarterHours: Int, hourlyRateCents: Int) -> Int {
        (quarterHours * hourlyRateCents + 2) / 4
    }
}
