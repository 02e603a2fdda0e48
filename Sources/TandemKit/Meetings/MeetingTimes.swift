import Foundation

/// Distances and times for finding meetings: how far a meeting is from a point, whether it is
/// on now or starts soon (across midnight too), and which part of the day it falls in, all in
/// the organization's own time zone.
public enum MeetingTimes {
    /// The great-circle distance in kilometres between two points (haversine, mean Earth radius).
    public static func kilometres(
        _ from: (latitude: Double, longitude: Double), _ to: (latitude: Double, longitude: Double)
    )
        -> Double
    {
        let radius = 6371.0088
        let toRadians = Double.pi / 180
        let dLat = (to.latitude - from.latitude) * toRadians
        let dLon = (to.longitude - from.longitude) * toRadians
        let a =
            sin(dLat / 2) * sin(dLat / 2) + cos(from.latitude * toRadians) * cos(to.latitude * toRadians)
            * sin(dLon / 2) * sin(dLon / 2)
        return 2 * radius * asin(min(1, sqrt(a)))
    }

    public static func miles(_ kilometres: Double) -> Double { kilometres / 1.609344 }

    /// Minutes since Sunday 00:00 for a day (0 = Sunday) and a time.
    static func weekMinute(day: Int, _ time: TimeOfDay) -> Int { day * 1440 + time.minutes }

    static let week = 7 * 1440

    /// Whether a meeting on `days` from `start` to `end` (the next day when it ends earlier
    /// than it starts) is on at `day`/`time`.
    public static func isOn(days: [Int], start: TimeOfDay, end: TimeOfDay, day: Int, time: TimeOfDay) -> Bool {
        let now = weekMinute(day: day, time)
        let length = (end.minutes - start.minutes + 1440) % 1440
        return days.contains { meetingDay in
            let from = weekMinute(day: meetingDay, start)
            // Measured forward from the start, around the end of the week.
            let since = (now - from + week) % week
            return since < max(length, 1)
        }
    }

    /// Minutes until the meeting next starts, from `day`/`time` (0 when it starts now), or
    /// nil for a meeting without days.
    public static func minutesUntilStart(days: [Int], start: TimeOfDay, day: Int, time: TimeOfDay) -> Int? {
        let now = weekMinute(day: day, time)
        return days.map { (weekMinute(day: $0, start) - now + week) % week }.min()
    }

    /// `minutesUntilStart` for days given as a bit mask (bit d = day d), without building a list:
    /// the finder asks this of every meeting for "now and next".
    public static func minutesUntilStart(dayMask: Int, start: TimeOfDay, day: Int, time: TimeOfDay) -> Int? {
        guard dayMask & 0x7F != 0 else { return nil }
        let now = weekMinute(day: day, time)
        var soonest = Int.max
        for meetingDay in 0..<7 where dayMask & (1 << meetingDay) != 0 {
            soonest = min(soonest, (weekMinute(day: meetingDay, start) - now + week) % week)
        }
        return soonest
    }

    /// `isOn` for days given as a bit mask.
    public static func isOn(dayMask: Int, start: TimeOfDay, end: TimeOfDay, day: Int, time: TimeOfDay) -> Bool {
        let now = weekMinute(day: day, time)
        let length = max((end.minutes - start.minutes + 1440) % 1440, 1)
        for meetingDay in 0..<7 where dayMask & (1 << meetingDay) != 0 {
            if (now - weekMinute(day: meetingDay, start) + week) % week < length { return true }
        }
        return false
    }

    /// Parts of the day people look for meetings in.
    public enum PartOfDay: String, Sendable, CaseIterable {
        /// 04:00–11:59
        case morning
        /// 12:00–16:59
        case afternoon
        /// 17:00–20:59
        case evening
        /// 21:00–03:59
        case night

        public func contains(_ time: TimeOfDay) -> Bool {
            let hour = time.minutes / 60
            switch self {
            case .morning: return (4..<12).contains(hour)
            case .afternoon: return (12..<17).contains(hour)
            case .evening: return (17..<21).contains(hour)
            case .night: return hour >= 21 || hour < 4
            }
        }
    }

    /// The weekday (0 = Sunday) and time of an instant in `timeZone`.
    public static func local(_ instant: Date, in timeZone: TimeZone) -> (day: Int, time: TimeOfDay) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: instant)
        return (
            ((parts.weekday ?? 1) - 1),
            TimeOfDay(minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0)) ?? TimeOfDay(minutes: 0)!
        )
    }
}
