import Foundation
import Testing

@testable import TandemKit

@Suite("Reports")
struct ReportsTests {
    static func contact(
        _ session: String, _ person: String, _ minutes: Int, _ mode: String, _ type: String, _ coach: String
    )
        -> Reports.Contact
    {
        Reports.Contact(
            sessionID: session, participantID: person, minutes: minutes, mode: mode, serviceType: type, coach: coach)
    }

    @Test("services: a group session's minutes count once for its mode and coach, once per service type")
    func services() {
        let contacts = [
            Self.contact("s1", "a", 30, "phone", "recovery_coaching", "Ana"),
            Self.contact("s2", "a", 60, "in_person", "recovery_coaching", "Ana"),
            Self.contact("s2", "b", 60, "in_person", "sober_companion", "Ana"),
            Self.contact("s3", "c", 15, "phone", "recovery_coaching", "Ben"),
        ]
        let total = Reports.total(contacts)
        #expect(total.sessions == 3 && total.contacts == 4 && total.minutes == 105 && total.people == 3)
        let byMode = Reports.tally(contacts, by: \.mode)
        #expect(byMode.map(\.key) == ["in_person", "phone"])
        #expect(byMode[0] == Reports.Tally(key: "in_person", sessions: 1, contacts: 2, minutes: 60, people: 2))
        #expect(byMode[1].minutes == 45 && byMode[1].sessions == 2)
        let byType = Reports.tally(contacts, by: \.serviceType)
        #expect(byType.map(\.minutes) == [105, 60])
        #expect(Reports.tally(contacts, by: \.coach).map(\.key) == ["Ana", "Ben"])
    }

    @Test("retention: of those begun long enough ago, the ones not closed before the mark")
    func retention() {
        let today = CalendarDate("2026-11-29")!
        func engagement(_ start: String, _ end: String?, _ status: EngagementStatus) -> Reports.Engagement {
            Reports.Engagement(start: CalendarDate(start)!, end: end.flatMap { CalendarDate($0) }, status: status)
        }
        let rows = Reports.retention(
            [
                engagement("2026-01-01", nil, .active), engagement("2026-01-01", "2026-01-20", .closed),
                engagement("2026-01-01", "2026-03-15", .closed), engagement("2026-01-01", "2026-02-01", .completed),
                engagement("2026-11-20", nil, .active),
            ], today: today)
        #expect(rows.map(\.days) == [30, 90, 180])
        #expect(rows[0] == Reports.Retention(days: 30, eligible: 4, retained: 3))
        #expect(rows[1] == Reports.Retention(days: 90, eligible: 4, retained: 2))
        #expect(Reports.percent(rows[1].share) == "50%")
        #expect(Reports.retention([], today: today)[0].share == nil)
    }

    @Test("recovery capital change: first and latest of each person with two scores")
    func capital() {
        let change = Reports.capitalChange([[30, 40, 50], [45, 44], [20]])
        #expect(change.people == 2)
        #expect(change.meanFirst == 37.5 && change.meanLatest == 47 && change.meanChange == 9.5)
        #expect(change.atOrAboveFirst == 0 && change.atOrAboveLatest == 0.5)
        #expect(Reports.oneDecimal(-0.25) == "-0.3" || Reports.oneDecimal(-0.25) == "-0.2")
        #expect(Reports.oneDecimal(nil) == "—" && Reports.percent(0.125) == "13%")
        #expect(Reports.capitalChange([]).meanChange == nil)
    }

    @Test("a bar chart names each bar and writes its value")
    func barChart() {
        let svg = BarChart(
            id: "c", title: "Hours <by> mode", summary: "s", bars: [("Phone", 2, "2 h"), ("Video", 0, "0 h")]
        ).svg()
        #expect(svg.contains("role=\"img\"") && svg.contains("Hours &lt;by&gt; mode"))
        #expect(svg.contains(">Phone</text>") && svg.contains(">2 h</text>") && svg.contains("width=\"350\""))
    }
}
