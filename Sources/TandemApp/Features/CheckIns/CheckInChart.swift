import Fluent
import Foundation
import TandemKit
import Vapor

/// Mood and cravings over the last 30 or 90 days as two charts (their scales differ), with
/// the same numbers as a table for anyone who cannot see them.
struct CheckInChart: Encodable, Sendable {
    struct Row: Sendable {
        let date: String
        let isoDate: String
        let mood: Int
        let craving: Int
    }

    let days: Int
    let moodChart: String
    let cravingChart: String
    let hasRows: Bool
    /// The table's rows, newest first, written in code: up to 90 rows of three cells each
    /// cost more through the template than the rest of the page.
    let tableRows: String

    static let periods = [30, 90]

    static func make(_ checkIns: [CheckIn], days: Int, today: CalendarDate, req: Request) -> CheckInChart {
        let sorted = checkIns.sorted { $0.localDate < $1.localDate }
        let rows = sorted.map {
            Row(date: req.calendarDate($0.localDate), isoDate: $0.localDate, mood: $0.mood, craving: $0.craving)
        }
        let last = Double(today.dayNumber)
        let first = last - Double(days - 1)
        let labels = [
            (x: first, label: today.adding(days: -(days - 1))?.written(req.messages) ?? ""),
            (x: last, label: today.written(req.messages)),
        ]
        func points(_ value: (CheckIn) -> Int) -> [(x: Double, y: Double)] {
            sorted.compactMap { checkIn in
                CalendarDate(checkIn.localDate).map { (x: Double($0.dayNumber), y: Double(value(checkIn))) }
            }
        }
        func summary(_ values: [Int]) -> String {
            req.t(
                "checkin_chart_summary",
                [
                    "count": String(values.count), "days": String(days), "low": String(values.min() ?? 0),
                    "high": String(values.max() ?? 0),
                ])
        }
        let mood = LineChart(
            id: "mood-chart", title: req.t("checkin_chart_mood_title", ["days": String(days)]),
            summary: summary(sorted.map(\.mood)),
            series: [.init(name: req.t("checkins_mood"), color: "#0f6e68", marker: .circle, points: points(\.mood))],
            xRange: first...last, yRange: 1...5, yTicks: [1, 2, 3, 4, 5], xLabels: labels)
        let craving = LineChart(
            id: "craving-chart", title: req.t("checkin_chart_craving_title", ["days": String(days)]),
            summary: summary(sorted.map(\.craving)),
            series: [
                .init(name: req.t("checkins_craving"), color: "#b26b00", marker: .square, points: points(\.craving))
            ],
            xRange: first...last, yRange: 0...10, yTicks: [0, 2, 4, 6, 8, 10], xLabels: labels)
        return CheckInChart(
            days: days, moodChart: mood.svg(), cravingChart: craving.svg(),
            hasRows: !rows.isEmpty, tableRows: tableRows(rows.reversed(), req: req))
    }

    private static func tableRows(_ rows: [Row], req: Request) -> String {
        let labels = (
            date: req.t("checkins_date"), mood: req.t("checkin_chart_mood_column"),
            craving: req.t("checkins_craving")
        )
        var out = HTMLWriter(capacity: 64 + rows.count * 220)
        for row in rows {
            out.raw("<tr><td data-label=\"")
            out.text(labels.date)
            out.raw("\"><time datetime=\"")
            out.text(row.isoDate)
            out.raw("\">")
            out.text(row.date)
            out.raw("</time></td><td data-label=\"")
            out.text(labels.mood)
            out.raw("\">")
            out.text(String(row.mood))
            out.raw("</td><td data-label=\"")
            out.text(labels.craving)
            out.raw("\">")
            out.text(String(row.craving))
            out.raw("</td></tr>")
        }
        return out.html
    }
}

extension CheckInService {
    /// The participant's check-ins of the `days` days up to today. Not audited: for pages
    /// that audit their own view of the record.
    func recent(of participantID: UUID, days: Int, today: CalendarDate) async throws -> [CheckIn] {
        guard let since = today.adding(days: -(days - 1)) else { return [] }
        return try await store.since(since, of: participantID)
    }
}
