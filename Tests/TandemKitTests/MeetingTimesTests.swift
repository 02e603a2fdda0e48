import Foundation
import Testing

@testable import TandemKit

@Suite("Meeting times and distances")
struct MeetingTimesTests {
    static func t(_ text: String) -> TimeOfDay { TimeOfDay(text)! }

    @Test(
        "distances by the haversine formula",
        arguments: [
            // Philadelphia City Hall to Trenton City Hall: about 48 km.
            ((39.9526, -75.1652), (40.2206, -74.7597), 45.0, 48.0),
            // The same point.
            ((39.9526, -75.1652), (39.9526, -75.1652), 0.0, 0.001),
            // London to Paris: about 344 km.
            ((51.5074, -0.1278), (48.8566, 2.3522), 340.0, 346.0),
            // Across the antimeridian: Fiji to Samoa, about 1,150 km.
            ((-18.1416, 178.4419), (-13.7590, -172.1046), 1100.0, 1200.0),
        ])
    func distance(from: (Double, Double), to: (Double, Double), low: Double, high: Double) {
        let km = MeetingTimes.kilometres((from.0, from.1), (to.0, to.1))
        #expect(km >= low && km <= high, "\(km)")
    }

    @Test(
        "on now, including meetings that run past midnight and across Saturday night",
        arguments: [
            ([2], "19:00", "20:00", 2, "19:30", true), ([2], "19:00", "20:00", 2, "20:00", false),
            ([2], "19:00", "20:00", 2, "18:59", false), ([2], "19:00", "20:00", 3, "19:30", false),
            ([5], "23:30", "00:30", 5, "23:45", true), ([5], "23:30", "00:30", 6, "00:15", true),
            ([5], "23:30", "00:30", 6, "00:31", false), ([6], "23:00", "01:00", 0, "00:30", true),
            ([6], "23:00", "01:00", 6, "00:30", false), ([0, 3], "12:00", "13:00", 3, "12:10", true),
        ])
    func onNow(days: [Int], start: String, end: String, day: Int, time: String, expected: Bool) {
        #expect(
            MeetingTimes.isOn(days: days, start: Self.t(start), end: Self.t(end), day: day, time: Self.t(time))
                == expected)
    }

    @Test("minutes until the next start, around the week")
    func next() {
        #expect(MeetingTimes.minutesUntilStart(days: [2], start: Self.t("19:00"), day: 2, time: Self.t("18:00")) == 60)
        #expect(MeetingTimes.minutesUntilStart(days: [2], start: Self.t("19:00"), day: 2, time: Self.t("19:00")) == 0)
        #expect(
            MeetingTimes.minutesUntilStart(days: [0], start: Self.t("08:00"), day: 6, time: Self.t("23:00")) == 9 * 60)
        #expect(
            MeetingTimes.minutesUntilStart(days: [1, 4], start: Self.t("10:00"), day: 2, time: Self.t("10:00")) == 2
                * 1440)
        #expect(MeetingTimes.minutesUntilStart(days: [], start: Self.t("10:00"), day: 2, time: Self.t("10:00")) == nil)
    }

    @Test(
        "parts of the day",
        arguments: [
            ("04:00", MeetingTimes.PartOfDay.morning), ("11:59", .morning), ("12:00", .afternoon),
            ("16:59", .afternoon),
            ("17:00", .evening), ("20:59", .evening), ("21:00", .night), ("00:30", .night), ("03:59", .night),
        ])
    func partsOfDay(time: String, part: MeetingTimes.PartOfDay) {
        #expect(MeetingTimes.PartOfDay.allCases.filter { $0.contains(Self.t(time)) } == [part])
    }

    @Test("the local weekday and time in the organization's zone")
    func local() {
        // Tuesday 2026-12-01 03:30 UTC is Monday 22:30 in New York.
        let instant = ISO8601DateFormatter().date(from: "2026-12-01T03:30:00Z")!
        let local = MeetingTimes.local(instant, in: TimeZone(identifier: "America/New_York")!)
        #expect(local.day == 1 && local.time == Self.t("22:30"))
        #expect(MeetingTimes.local(instant, in: TimeZone(identifier: "UTC")!).day == 2)
    }

    @Test("the bit-mask forms agree with the list forms, for every set of days")
    func masks() {
        for mask in 0..<128 {
            let days = (0...6).filter { mask & (1 << $0) != 0 }
            for (start, end, day, time) in [
                ("19:00", "20:00", 2, "19:30"), ("23:30", "00:30", 6, "00:15"), ("07:00", "08:00", 0, "23:59"),
            ] {
                #expect(
                    MeetingTimes.minutesUntilStart(dayMask: mask, start: Self.t(start), day: day, time: Self.t(time))
                        == MeetingTimes.minutesUntilStart(
                            days: days, start: Self.t(start), day: day, time: Self.t(time)))
                #expect(
                    MeetingTimes.isOn(
                        dayMask: mask, start: Self.t(start), end: Self.t(end), day: day, time: Self.t(time))
                        == MeetingTimes.isOn(
                            days: days, start: Self.t(start), end: Self.t(end), day: day, time: Self.t(time)))
            }
        }
    }
}
