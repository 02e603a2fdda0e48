import Foundation
import Testing

@testable import TandemKit

@Suite("Sober companion coverage")
struct CoverageTests {
    static let zone = TimeZone(identifier: "America/New_York")!

    static func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    static func at(_ date: String, _ time: String) -> Date {
        AppointmentDraft.instant(day(date), TimeOfDay(time)!, in: zone)!
    }

    static func hours(_ interval: (start: Date, end: Date)) -> Double {
        interval.end.timeIntervalSince(interval.start) / 3600
    }

    @Test("nights run across midnight into the next morning")
    func nights() {
        let plan = CoveragePlan.of(.nights)!
        let windows = plan.windows(from: Self.day("2026-01-12"), through: Self.day("2026-01-13"), in: Self.zone)
        #expect(windows.count == 2)
        #expect(windows[0].start == Self.at("2026-01-12", "20:00") && windows[0].end == Self.at("2026-01-13", "08:00"))
        #expect(windows.allSatisfy { Self.hours($0) == 12 })
    }

    @Test("a night when the clocks go forward is eleven hours, and back thirteen")
    func daylightSaving() {
        let plan = CoveragePlan.of(.nights)!
        let spring = plan.windows(from: Self.day("2026-03-07"), through: Self.day("2026-03-07"), in: Self.zone)
        #expect(spring.map(Self.hours) == [11])
        let autumn = plan.windows(from: Self.day("2026-10-31"), through: Self.day("2026-10-31"), in: Self.zone)
        #expect(autumn.map(Self.hours) == [13])
        // Shifts by the wall clock cover the whole night either way.
        let shifts = [(start: Self.at("2026-03-07", "20:00"), end: Self.at("2026-03-08", "08:00"))]
        #expect(CoveragePlan.gaps(spring, shifts: shifts).isEmpty)
    }

    @Test("around the clock makes one window for the whole stretch")
    func fullTime() {
        let windows = CoveragePlan.of(.fullTime)!.windows(
            from: Self.day("2026-01-12"), through: Self.day("2026-01-14"), in: Self.zone)
        #expect(windows.count == 1 && Self.hours(windows[0]) == 72)
    }

    @Test("weekends are Saturday and Sunday")
    func weekends() {
        let windows = CoveragePlan.of(.weekends)!.windows(
            from: Self.day("2026-01-12"), through: Self.day("2026-01-18"), in: Self.zone)
        #expect(windows.count == 1)
        #expect(windows[0].start == Self.at("2026-01-17", "00:00") && windows[0].end == Self.at("2026-01-19", "00:00"))
    }

    @Test(
        "gaps between shifts",
        arguments: [
            // Shifts as "start-end" on the night of 2026-01-12 (20:00 to 08:00), expected gaps.
            (["20:00-02:00"], ["02:00-08:00"]),
            (["20:00-02:00", "02:00-08:00"], []),
            (["21:00-08:00"], ["20:00-21:00"]),
            (["20:00-03:00", "01:00-08:00"], []),
            (["22:00-23:00"], ["20:00-22:00", "23:00-08:00"]),
            ([], ["20:00-08:00"]),
        ])
    func gaps(shifts: [String], expected: [String]) {
        func interval(_ text: String) -> (start: Date, end: Date) {
            let parts = text.split(separator: "-").map(String.init)
            func instant(_ time: String) -> Date {
                Self.at(TimeOfDay(time)! >= TimeOfDay("20:00")! ? "2026-01-12" : "2026-01-13", time)
            }
            return (instant(parts[0]), instant(parts[1]))
        }
        let required = CoveragePlan.of(.nights)!.windows(
            from: Self.day("2026-01-12"), through: Self.day("2026-01-12"), in: Self.zone)
        let found = CoveragePlan.gaps(required, shifts: shifts.map(interval))
        let wanted = expected.map(interval)
        #expect(found.count == wanted.count)
        for (a, b) in zip(found, wanted) { #expect(a.start == b.start && a.end == b.end) }
    }

    @Test("a custom plan needs days and times")
    func custom() {
        #expect(CoveragePlan.of(.custom) == nil)
        #expect(CoveragePlan.of(.custom, start: TimeOfDay("09:00"), end: TimeOfDay("17:00"), weekdays: []) == nil)
        let plan = CoveragePlan.of(.custom, start: TimeOfDay("09:00"), end: TimeOfDay("17:00"), weekdays: [2, 4, 6])!
        let windows = plan.windows(from: Self.day("2026-01-12"), through: Self.day("2026-01-18"), in: Self.zone)
        #expect(windows.count == 3 && windows.allSatisfy { Self.hours($0) == 8 })
    }

    @Test("a plan changed mid-week: each part of the week is read against the plan of its time")
    func changedPlan() throws {
        // Days until Wednesday noon, then nights from then on; the rate rose with the change.
        let change = Self.at("2026-01-14", "12:00")
        let history = CoverageHistory([
            .init(from: change, plan: CoveragePlan.of(.nights), hourlyRateCents: 4_000),
            .init(from: Self.at("2026-01-05", "09:00"), plan: CoveragePlan.of(.days), hourlyRateCents: 3_000),
        ])
        let windows = try #require(
            history.windows(from: Self.day("2026-01-12"), through: Self.day("2026-01-18"), in: Self.zone))
        // Monday and Tuesday whole days; Wednesday's day cut at noon; nights from Wednesday on.
        let days = windows.filter { $0.start < change }
        #expect(days.map(Self.hours) == [12, 12, 4])
        #expect(days.last!.end == change)
        let nights = windows.filter { $0.start >= change }
        #expect(nights.count == 5 && nights.allSatisfy { Self.hours($0) == 12 })
        #expect(nights.first!.start == Self.at("2026-01-14", "20:00"))

        #expect(history.inForce(at: Self.at("2026-01-13", "10:00"))?.hourlyRateCents == 3_000)
        #expect(history.inForce(at: change)?.hourlyRateCents == 4_000)
        // Before the first version, the first stands.
        #expect(history.inForce(at: Self.at("2025-12-01", "10:00"))?.hourlyRateCents == 3_000)
    }

    @Test("no plan at all requires nothing; two versions saved at the same moment: the later wins")
    func emptyAndTies() {
        let week = (Self.day("2026-01-12"), Self.day("2026-01-18"))
        #expect(CoverageHistory([]).windows(from: week.0, through: week.1, in: Self.zone) == nil)
        #expect(CoverageHistory([]).inForce(at: Date()) == nil)
        let moment = Self.at("2026-01-01", "09:00")
        let history = CoverageHistory([
            .init(from: moment, plan: CoveragePlan.of(.days), hourlyRateCents: 1),
            .init(from: moment, plan: CoveragePlan.of(.weekends), hourlyRateCents: 2),
        ])
        #expect(history.inForce(at: Self.at("2026-01-13", "10:00"))?.hourlyRateCents == 2)
        let windows = history.windows(from: week.0, through: week.1, in: Self.zone) ?? []
        // Weekends, not days: Saturday and Sunday joined into one window.
        #expect(windows.count == 1 && windows.allSatisfy { Self.hours($0) == 48 })
    }
}

@Suite("Companion hours")
struct CompanionHoursTests {
    @Test(
        "quarter hours, rounded to the nearest",
        arguments: [(0, 0), (7 * 60, 28), (7 * 60 + 7, 28), (7 * 60 + 8, 29), (12 * 60 + 45, 51)] as [(Int, Int)])
    func quarters(minutes: Int, expected: Int) {
        let start = Date(timeIntervalSince1970: 1_770_000_000)
        #expect(
            CompanionHours.quarterHours(from: start, to: start.addingTimeInterval(Double(minutes) * 60)) == expected)
    }

    @Test("written as hours with two decimals")
    func text() {
        #expect(CompanionHours.text(quarterHours: 31) == "7.75")
        #expect(CompanionHours.text(quarterHours: 48) == "12.00")
    }
}
