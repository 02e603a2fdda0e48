import Testing

@testable import TandemKit

@Suite("BARC-10")
struct BARC10Tests {
    typealias Case = (answers: [Int?], outcome: BARC10.Outcome)

    static let table: [Case] = [
        (Array(repeating: 1, count: 10), .scored(10)),
        (Array(repeating: 6, count: 10), .scored(60)),
        ([6, 5, 4, 3, 2, 1, 6, 5, 4, 3], .scored(39)),
        ([5, 5, 5, 5, 5, 5, 5, 4, 4, 4], .scored(47)),
        ([5, 5, 5, 5, 5, 5, 5, 4, 4, nil], .draft(answered: 9)),
        (Array(repeating: nil, count: 10), .draft(answered: 0)),
        ([0, 5, 5, 5, 5, 5, 5, 5, 5, 7], .invalid([1, 10])),
        ([5, 5, nil, 5, 5, -1, 5, 5, 5, 5], .invalid([6])),
        (Array(repeating: 5, count: 9), .invalid([])),
        (Array(repeating: 5, count: 11), .invalid([])),
    ]

    @Test(
        "all ten answers for a total; a partial form is a draft; out-of-range answers are named",
        arguments: 0..<table.count)
    func outcome(index: Int) {
        let row = Self.table[index]
        #expect(BARC10.outcome(row.answers) == row.outcome)
    }

    @Test("47 is the reference line, inclusive")
    func reference() {
        #expect(BARC10.isAtOrAboveReference(47))
        #expect(!BARC10.isAtOrAboveReference(46))
        #expect(BARC10.itemKeys.count == 10 && BARC10.answerKeys.count == 6)
    }

    @Test("answers keep their places through storage")
    func storage() {
        let answers: [Int?] = [6, nil, 4, 3, nil, 1, 6, 5, 4, nil]
        #expect(BARC10.encode(answers) == "6,,4,3,,1,6,5,4,")
        #expect(BARC10.decode(BARC10.encode(answers)) == answers)
        #expect(BARC10.decode("") == Array(repeating: nil, count: 10))
        #expect(BARC10.decode("1,2,3,4,5,6,1,2,3,4,5,6") == [1, 2, 3, 4, 5, 6, 1, 2, 3, 4])
    }

    @Test("the trend compares the last two totals")
    func trend() {
        #expect(Trend.of(previous: 40, latest: 44) == .up)
        #expect(Trend.of(previous: 44, latest: 40) == .down)
        #expect(Trend.of(previous: 44, latest: 44) == .flat)
        #expect(Trend.of(previous: nil, latest: 44) == nil)
    }

    @Test("reassessment is due the interval after the last scored one, or now")
    func due() {
        let today = CalendarDate("2026-06-01")!
        #expect(Reassessment.due(lastScored: nil, intervalDays: 90, today: today) == today)
        #expect(
            Reassessment.due(lastScored: CalendarDate("2026-03-03")!, intervalDays: 90, today: today) == CalendarDate(
                "2026-06-01")!)
        #expect(Reassessment.isDue(lastScored: CalendarDate("2026-03-03")!, intervalDays: 90, today: today))
        #expect(!Reassessment.isDue(lastScored: CalendarDate("2026-03-04")!, intervalDays: 90, today: today))
        // Across a leap day.
        #expect(
            Reassessment.due(lastScored: CalendarDate("2028-02-01")!, intervalDays: 30, today: today) == CalendarDate(
                "2028-03-02")!)
    }
}

@Suite("Line chart")
struct LineChartTests {
    @Test("draws each point, the reference line and its words, with text escaped")
    func svg() {
        let chart = LineChart(
            id: "barc", title: "Recovery capital <BARC-10>", summary: "3 scores from 30 to 48",
            series: [
                .init(name: "Total", color: "#0f6e68", marker: .circle, points: [(0, 30), (10, 40), (20, 48)])
            ],
            xRange: 0...20, yRange: 10...60, yTicks: [10, 20, 30, 40, 50, 60],
            xLabels: [(0, "Jan 1"), (20, "Jan 21")], reference: (47, "47 & above: level seen in sustained remission"))
        let svg = chart.svg()
        #expect(svg.hasPrefix("<svg class=\"chart\" id=\"barc\""))
        #expect(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"barc-title barc-desc\""))
        #expect(svg.contains("<title id=\"barc-title\">Recovery capital &lt;BARC-10&gt;</title>"))
        #expect(svg.components(separatedBy: "<circle ").count - 1 == 3)
        #expect(svg.contains("47 &amp; above"))
        #expect(svg.contains("stroke-dasharray"))
        // 10 maps to the bottom of the plot (260 - 40 = 220), 60 to its top (16); x runs from 44 to 624.
        #expect(svg.contains("points=\"44,138.4 334,97.6 624,65\""))
        #expect(LineChart.number(-0.04) == "0" && LineChart.number(-0.5) == "-0.5" && LineChart.number(12.25) == "12.3")
    }
}
