import Foundation
import Testing

@testable import TandemKit

@Suite("Companion weeks and timesheets")
struct ShiftWeekTests {
    static let zone = CoverageTests.zone
    static let day = CoverageTests.day
    static let at = CoverageTests.at

    @Test(
        "a week starts on the Monday of the day it holds",
        arguments: [
            ("2026-11-30", "2026-11-30"), ("2026-12-06", "2026-11-30"), ("2026-12-07", "2026-12-07"),
            ("2027-01-01", "2026-12-28"), ("1970-01-01", "1969-12-29"), ("2024-02-29", "2024-02-26"),
        ])
    func monday(day: String, monday: String) {
        let week = ShiftWeek(containing: Self.day(day))
        #expect(week.monday == Self.day(monday))
        #expect(week.sunday == Self.day(monday).adding(days: 6))
        #expect(week.next.previous == week)
    }

    @Test("the week the clocks go back is 169 hours, the week they go forward 167")
    func weekLength() throws {
        let autumn = try #require(ShiftWeek(containing: Self.day("2026-10-28")).interval(in: Self.zone))
        #expect(autumn.end.timeIntervalSince(autumn.start) == 169 * 3600)
        let spring = try #require(ShiftWeek(containing: Self.day("2026-03-04")).interval(in: Self.zone))
        #expect(spring.end.timeIntervalSince(spring.start) == 167 * 3600)
    }

    @Test(
        "a shift across Sunday midnight counts in each week for its own part; the plan's gaps are what no shift covers")
    func summary() throws {
        let week = try #require(ShiftWeek(containing: Self.day("2026-01-12")).interval(in: Self.zone))
        let plan = CoveragePlan.of(.nights)!
        let required = plan.windows(from: Self.day("2026-01-11"), through: Self.day("2026-01-18"), in: Self.zone)
        // Every night covered but Wednesday's; Sunday night runs into the next week.
        let nights = ["2026-01-11", "2026-01-12", "2026-01-13", "2026-01-15", "2026-01-16", "2026-01-17", "2026-01-18"]
        let shifts = nights.map { night in
            (start: Self.at(night, "20:00"), end: Self.at(Self.day(night).adding(days: 1)!.description, "08:00"))
        }
        let summary = ShiftWeekSummary.make(
            week: week, shifts: shifts, required: required, entries: [.mood, .incident, .mood])
        // Sunday the 11th gives its 8 hours after midnight; Sunday the 18th its 4 before.
        #expect(summary.quarterHours == (8 + 12 * 5 + 4) * 4)
        #expect(summary.plannedQuarterHours == (8 + 12 * 6 + 4) * 4)
        #expect(summary.uncoveredQuarterHours == 12 * 4)
        #expect(summary.counts == [.mood: 2, .incident: 1])
        let planless = ShiftWeekSummary.make(week: week, shifts: [], required: nil, entries: [])
        #expect(planless.quarterHours == 0 && planless.plannedQuarterHours == nil && planless.counts.isEmpty)
    }

    @Test("overlapping shifts count once, and hours ahead of now are not yet hours with a companion")
    func overlapAndNow() throws {
        let week = try #require(ShiftWeek(containing: Self.day("2026-01-12")).interval(in: Self.zone))
        let shifts = [
            (start: Self.at("2026-01-12", "08:00"), end: Self.at("2026-01-12", "16:30")),
            (start: Self.at("2026-01-12", "16:00"), end: Self.at("2026-01-13", "00:00")),
            (start: Self.at("2026-01-14", "08:00"), end: Self.at("2026-01-14", "16:00")),
        ]
        let summary = ShiftWeekSummary.make(
            week: week, shifts: shifts, required: nil, entries: [], now: Self.at("2026-01-14", "10:00"))
        #expect(summary.quarterHours == (16 + 2) * 4)
    }

    @Test(
        "an hour billed at a rate comes to its quarters, half a cent rounded up",
        arguments: [(4, 3500, 3500), (31, 3500, 27_125), (1, 3333, 833), (3, 1001, 751), (0, 9999, 0)]
            as [(Int, Int, Int)])
    func amounts(quarters: Int, rate: Int, cents: Int) {
        #expect(CompanionHours.amountCents(quarterHours: quarters, hourlyRateCents: rate) == cents)
    }

    @Test("the timesheet lists each shift with its hours and totals them; amounts only for those who bill")
    func timesheet() {
        let rows = [
            CompanionTimesheet.Row(
                companion: "Sam Ortiz", participantID: "p-1", participant: "Rosa Díaz",
                start: Self.at("2026-03-07", "20:00"), end: Self.at("2026-03-08", "08:00"), handedOver: true,
                hourlyRateCents: 3500),
            CompanionTimesheet.Row(
                companion: "=Lee", participantID: "p-1", participant: "Rosa Díaz",
                start: Self.at("2026-03-08", "08:00"), end: Self.at("2026-03-08", "15:45"), handedOver: false,
                hourlyRateCents: 3500),
        ]
        let billing = CompanionTimesheet.csv(rows, zone: Self.zone, withAmounts: true)
            .split(separator: "\r\n").map(String.init)
        #expect(
            billing[0]
                == "companion,participant_id,participant_name,start_date,start_time,end_date,end_time,hours,hourly_rate,amount,handed_over"
        )
        // The night the clocks go forward is eleven hours, as worked.
        #expect(billing[1] == "Sam Ortiz,p-1,Rosa Díaz,2026-03-07,20:00,2026-03-08,08:00,11.00,35.00,385.00,yes")
        // A name a spreadsheet would run as a formula is written as text.
        #expect(billing[2] == "'=Lee,p-1,Rosa Díaz,2026-03-08,08:00,2026-03-08,15:45,7.75,35.00,271.25,no")
        #expect(billing[3] == "total,,,,,,,18.75,,656.25,")
        let own = CompanionTimesheet.csv(rows, zone: Self.zone, withAmounts: false).split(separator: "\r\n")
        #expect(!own[0].contains("amount") && own[3] == "total,,,,,,,18.75,")
    }
}

@Suite("Client keys")
struct ClientKeyTests {
    @Test(
        "a key is 8 to 64 letters, digits and dashes",
        arguments: [
            (" 0b6c3a2e-5f1d-4c1a-9a51-1d2f3e4a5b6c ", "0b6c3a2e-5f1d-4c1a-9a51-1d2f3e4a5b6c"),
            ("k-0001-ab", "k-0001-ab"),
            ("short", nil), ("with space inside", nil), ("ключ-12345678", nil),
            (String(repeating: "a", count: 65), nil),
        ] as [(String, String?)])
    func keys(raw: String, expected: String?) {
        #expect(ClientKey.normalized(raw) == expected)
    }
}
