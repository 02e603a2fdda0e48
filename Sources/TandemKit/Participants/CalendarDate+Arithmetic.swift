/// Day arithmetic on calendar dates, done on day numbers rather than through `Calendar`
/// and instants, so daylight-saving changes cannot move a date: a milestone "90 days
/// after" is a count of calendar days, whatever the clocks did in between.
extension CalendarDate {
    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date with `dayNumber`; nil outside the years a `CalendarDate` holds.
    public init?(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day)
    }

    public func adding(days: Int) -> CalendarDate? { CalendarDate(dayNumber: dayNumber + days) }

    /// The same day `months` later; a day the later month lacks becomes its last day
    /// (31 August + 6 months is 28 or 29 February).
    public func adding(months: Int) -> CalendarDate? {
        let index = year * 12 + (month - 1) + months
        let newYear = index / 12
        let newMonth = index % 12 + 1
        guard (1900...9999).contains(newYear) else { return nil }
        return CalendarDate(
            year: newYear, month: newMonth, day: min(day, Self.days(inMonth: newMonth, year: newYear)))
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    public func days(until later: CalendarDate) -> Int { later.dayNumber - dayNumber }
}
