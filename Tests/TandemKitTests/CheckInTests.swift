import Foundation
import Testing

@testable import TandemKit

private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

private func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

@Suite("Check-in answers")
struct CheckInAnswersTests {
    typealias Case = (answers: CheckInAnswers, problems: [String])

    static let table: [Case] = [
        (CheckInAnswers(mood: 3, craving: 0), []),
        (CheckInAnswers(mood: 1, craving: 10, use: "yes", supports: ["coach", "mutual_help_meeting"]), []),
        (
            CheckInAnswers(
                mood: 5, craving: 4, use: "prefer_not_to_say", wentWell: "Walked the dog", wantsReachOut: true), []
        ),
        (CheckInAnswers(), ["mood:error_checkin_mood_required", "craving:error_checkin_craving_required"]),
        (CheckInAnswers(mood: 0, craving: 11), ["mood:error_value_invalid", "craving:error_value_invalid"]),
        (CheckInAnswers(mood: 6, craving: -1), ["mood:error_value_invalid", "craving:error_value_invalid"]),
        (CheckInAnswers(mood: 3, craving: 2, supports: ["therapy"]), ["supports:error_value_invalid"]),
        (CheckInAnswers(mood: 3, craving: 2, use: "sometimes"), ["use:error_value_invalid"]),
        (
            CheckInAnswers(mood: 3, craving: 2, wentWell: String(repeating: "a", count: 501)),
            ["went_well:error_text_too_long"]
        ),
        (CheckInAnswers(mood: 3, craving: 2, wentWell: "bell\u{07}"), ["went_well:error_text_invalid"]),
        (CheckInAnswers(mood: 3, craving: 2, wentWell: String(repeating: "ñ", count: 500)), []),
        // 300 letters written as a letter and a combining accent: 600 scalars, as JSON Schema counts.
        (
            CheckInAnswers(mood: 3, craving: 2, wentWell: String(repeating: "e\u{301}", count: 300)),
            ["went_well:error_text_too_long"]
        ),
    ]

    @Test("are checked field by field", arguments: 0..<table.count)
    func problems(index: Int) {
        let row = Self.table[index]
        #expect(row.answers.normalized().problems().map { "\($0.field):\($0.key)" } == row.problems)
    }

    @Test("normalizing trims the text and orders supports once each")
    func normalized() {
        let answers = CheckInAnswers(
            mood: 2, craving: 3, supports: ["coach", "mutual_help_meeting", "coach"], wentWell: "  slept well \n")
        let normal = answers.normalized()
        #expect(normal.wentWell == "slept well")
        #expect(normal.supports == ["mutual_help_meeting", "coach"])
    }
}

@Suite("The day a check-in belongs to")
struct CheckInDayTests {
    typealias Case = (utc: String, participant: String, organization: String, expected: String)

    static let table: [Case] = [
        // 23:59 in Los Angeles is already the next day in UTC.
        ("2026-03-04T07:59:00Z", "America/Los_Angeles", "America/New_York", "2026-03-03"),
        ("2026-03-04T08:00:00Z", "America/Los_Angeles", "America/New_York", "2026-03-04"),
        // No zone of their own: the organization's.
        ("2026-03-04T04:59:00Z", "", "America/New_York", "2026-03-03"),
        ("2026-03-04T05:00:00Z", "", "America/New_York", "2026-03-04"),
        // An unknown zone falls back to the organization's.
        ("2026-03-04T04:59:00Z", "Mars/Olympus", "America/New_York", "2026-03-03"),
        // New York springs forward on 8 March 2026 (UTC-5 before, UTC-4 after).
        ("2026-03-08T04:59:00Z", "America/New_York", "UTC", "2026-03-07"),
        ("2026-03-09T03:59:00Z", "America/New_York", "UTC", "2026-03-08"),
        ("2026-03-09T04:00:00Z", "America/New_York", "UTC", "2026-03-09"),
        // And falls back on 1 November 2026: the hour after midnight happens once.
        ("2026-11-02T04:59:00Z", "America/New_York", "UTC", "2026-11-01"),
        ("2026-11-02T05:00:00Z", "America/New_York", "UTC", "2026-11-02"),
        // East of UTC: Auckland is a day ahead in the UTC evening.
        ("2026-06-30T12:00:00Z", "Pacific/Auckland", "UTC", "2026-07-01"),
        ("2026-06-30T11:59:00Z", "Pacific/Auckland", "UTC", "2026-06-30"),
        // A leap day, near midnight.
        ("2028-03-01T04:30:00Z", "America/Chicago", "UTC", "2028-02-29"),
    ]

    @Test("is the participant's local date when they sent it", arguments: 0..<table.count)
    func localDate(index: Int) {
        let row = Self.table[index]
        let found = CheckInDay.of(
            instant(row.utc), participantZone: row.participant, organizationZone: row.organization)
        #expect(found.description == row.expected, "\(row.utc) in \(row.participant)")
    }
}

@Suite("Check-in streak")
struct CheckInStreakTests {
    @Test("counts days checked in, ending today or, before today's check-in, yesterday")
    func streak() {
        let today = day("2026-03-10")
        let days = ["2026-03-10", "2026-03-09", "2026-03-08", "2026-03-06"].map(day)
        #expect(CheckInStreak.current(days: days, today: today) == 3)
        #expect(CheckInStreak.current(days: Array(days.dropFirst()), today: today) == 2)
        #expect(CheckInStreak.current(days: ["2026-03-08"].map(day), today: today) == 0)
        #expect(CheckInStreak.current(days: [], today: today) == 0)
        // Across a month end and a leap day, with repeats and any order.
        let leap = ["2028-03-01", "2028-02-28", "2028-02-29", "2028-02-29"].map(day)
        #expect(CheckInStreak.current(days: leap, today: day("2028-03-01")) == 3)
        #expect(CheckInStreak.daysCheckedIn(days: days, today: today, window: 3) == 3)
        #expect(CheckInStreak.daysCheckedIn(days: days, today: today, window: 30) == 4)
    }
}

@Suite("Calendar arithmetic and milestones")
struct MilestoneTests {
    @Test("day numbers round-trip and count leap days")
    func dayNumbers() {
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("2000-03-01").dayNumber - day("2000-02-28").dayNumber == 2)
        #expect(day("1900-03-01").dayNumber - day("1900-02-28").dayNumber == 1)
        #expect(day("2024-01-01").days(until: day("2025-01-01")) == 366)
        #expect(day("2025-01-01").days(until: day("2026-01-01")) == 365)
        var date = day("1999-12-25")
        for _ in 0..<800 {
            let next = date.adding(days: 1)!
            #expect(CalendarDate(dayNumber: next.dayNumber) == next)
            #expect(next > date && date.days(until: next) == 1)
            date = next
        }
        #expect(date == day("2002-03-04"))
        #expect(day("2026-08-31").adding(months: 6) == day("2027-02-28"))
        #expect(day("2027-08-31").adding(months: 6) == day("2028-02-29"))
        #expect(day("2026-01-31").adding(months: 1) == day("2026-02-28"))
        #expect(day("2026-11-15").adding(months: 3) == day("2027-02-15"))
    }

    typealias Case = (start: String, today: String, dayCount: Int, reached: [String], recent: String?, next: String?)

    static let table: [Case] = [
        ("2026-03-01", "2026-03-01", 0, [], nil, "milestone_24_hours 2026-03-02"),
        (
            "2026-03-01", "2026-03-02", 1, ["milestone_24_hours 2026-03-02"], "milestone_24_hours 2026-03-02",
            "milestone_days 2026-03-31"
        ),
        // 30 days across the spring daylight-saving change is still 30 calendar days.
        (
            "2026-02-20", "2026-03-22", 30, ["milestone_24_hours 2026-02-21", "milestone_days 2026-03-22"],
            "milestone_days 2026-03-22", "milestone_days 2026-04-21"
        ),
        // Across the autumn change.
        (
            "2026-10-01", "2026-12-30", 90,
            [
                "milestone_24_hours 2026-10-02", "milestone_days 2026-10-31", "milestone_days 2026-11-30",
                "milestone_days 2026-12-30",
            ], "milestone_days 2026-12-30", "milestone_months 2027-04-01"
        ),
        // A leap-day start: yearly on 28 February until the next leap year.
        (
            "2024-02-29", "2028-03-01", 1462,
            [
                "milestone_24_hours 2024-03-01", "milestone_days 2024-03-30", "milestone_days 2024-04-29",
                "milestone_days 2024-05-29", "milestone_months 2024-08-29", "milestone_1_year 2025-02-28",
                "milestone_years 2026-02-28", "milestone_years 2027-02-28", "milestone_years 2028-02-29",
            ],
            "milestone_years 2028-02-29", "milestone_years 2029-02-28"
        ),
        // Long ago: nothing recent to celebrate.
        ("2020-06-15", "2026-03-01", 2085, [], nil, "milestone_years 2026-06-15"),
        // A start date after today (changed in another zone) counts as day 0, nothing reached.
        ("2026-03-02", "2026-03-01", 0, [], nil, "milestone_24_hours 2026-03-03"),
    ]

    @Test("are counted in calendar days from the chosen start", arguments: 0..<table.count)
    func milestones(index: Int) {
        let row = Self.table[index]
        let start = day(row.start)
        let today = day(row.today)
        func text(_ m: Milestone) -> String { "\(m.messageKey) \(m.date)" }
        #expect(Milestones.dayCount(start: start, today: today) == row.dayCount)
        let reached = Milestones.all(start: start, through: today).map(text)
        if row.reached.isEmpty && row.dayCount > 1000 {
            #expect(reached.count == 10)  // 24 hours, 30/60/90 days, 6 months and five years
        } else {
            #expect(reached == row.reached)
        }
        #expect(Milestones.recent(start: start, today: today).map(text) == row.recent)
        #expect(Milestones.next(start: start, today: today).map(text) == row.next)
    }

    @Test("the years and months are counted in each milestone")
    func counts() {
        let all = Milestones.all(start: day("2020-01-01"), through: day("2023-01-01"))
        #expect(all.map(\.count) == [1, 30, 60, 90, 6, 1, 2, 3])
    }
}

@Suite("CSV")
struct CSVWriterTests {
    @Test("quotes what needs quoting and defuses formulas")
    func fields() {
        var csv = CSVWriter()
        csv.row(["plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", "+1", "-2+3", "@x", "ñandú", ""])
        #expect(
            csv.text
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=SUM(A1),'+1,'-2+3,'@x,ñandú,\r\n")
        // A plain number, negative or not, is a number to a spreadsheet, not a formula.
        var numbers = CSVWriter()
        numbers.row(["-2", "-3.5", "12", "-", "-.5", "-1e5"])
        #expect(numbers.text == "-2,-3.5,12,'-,'-.5,'-1e5\r\n")
        csv.row(["crlf\r\nhere"])
        #expect(csv.text.hasSuffix("\"crlf\r\nhere\"\r\n"))
    }
}

@Suite("Counted messages")
struct CountedMessageTests {
    @Test("one and other")
    func counted() {
        let table = MessageTable(messages: ["days_one": "{count} day", "days_other": "{count} days"])
        #expect(table.counted("days", 1) == "1 day")
        #expect(table.counted("days", 0) == "0 days")
        #expect(table.counted("days", 2) == "2 days")
    }
}
