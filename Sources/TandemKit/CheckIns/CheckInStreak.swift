/// A check-in streak counts days checked in, never days without use: a hard day that is
/// checked in keeps the streak going.
public enum CheckInStreak {
    /// Consecutive days checked in up to today, or up to yesterday while today's check-in
    /// is still to come (a streak does not break at midnight). `days` may be in any order
    /// and hold repeats.
    public static func current(days: [CalendarDate], today: CalendarDate) -> Int {
        let numbers = Set(days.map(\.dayNumber))
        var day = today.dayNumber
        if !numbers.contains(day) { day -= 1 }
        var count = 0
        while numbers.contains(day) {
            count += 1
            day -= 1
        }
        return count
    }

    /// Days checked in among the `window` days ending today.
    public static func daysCheckedIn(days: [CalendarDate], today: CalendarDate, window: Int) -> Int {
        let last = today.dayNumber
        return Set(days.map(\.dayNumber)).filter { $0 <= last && $0 > last - window }.count
    }
}
