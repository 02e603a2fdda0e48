import Foundation

/// The companion timesheet: one CSV row per shift with its hours in quarter hours, and for
/// those who bill, the engagement's hourly rate and what the shift comes to; a last row
/// totals them. Times are wall-clock in the organization's time zone.
public enum CompanionTimesheet {
    public struct Row: Sendable {
        public let companion: String
        public let participantID: String
        public let participant: String
        public let start: Date
        public let end: Date
        public let handedOver: Bool
        public let hourlyRateCents: Int

        public init(
            companion: String, participantID: String, participant: String, start: Date, end: Date, handedOver: Bool,
            hourlyRateCents: Int
        ) {
            self.companion = companion
            self.participantID = participantID
            self.participant = participant
            self.start = start
            self.end = end
            self.handedOver = handedOver
            self.hourlyRateCents = hourlyRateCents
        }

        public var quarterHours: Int { CompanionHours.quarterHours(from: start, to: end) }
        public var amountCents: Int {
            CompanionHours.amountCents(quarterHours: quarterHours, hourlyRateCents: hourlyRateCents)
        }
    }

    public static func header(withAmounts: Bool) -> [String] {
        [
            "companion", "participant_id", "participant_name", "start_date", "start_time", "end_date", "end_time",
            "hours",
        ]
            + (withAmounts ? ["hourly_rate", "amount"] : []) + ["handed_over"]
    }

    public static func csv(_ rows: [Row], zone: TimeZone, withAmounts: Bool) -> String {
        var writer = CSVWriter()
        writer.row(header(withAmounts: withAmounts))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func local(_ instant: Date) -> [String] {
            let parts = calendar.dateComponents([.hour, .minute], from: instant)
            return [
                CalendarDate(instant, in: zone).description,
                (parts.hour ?? 0).zeroPadded(2) + ":" + (parts.minute ?? 0).zeroPadded(2),
            ]
        }
        for row in rows {
            writer.row(
                [row.companion, row.participantID, row.participant] + local(row.start) + local(row.end)
                    + [CompanionHours.text(quarterHours: row.quarterHours)]
                    + (withAmounts ? [dollars(row.hourlyRateCents), dollars(row.amountCents)] : [])
                    + [row.handedOver ? "yes" : "no"])
        }
        let total = rows.reduce(0) { $0 + $1.quarterHours }
        writer.row(
            ["total", "", "", "", "", "", "", CompanionHours.text(quarterHours: total)]
                + (withAmounts ? ["", dollars(rows.reduce(0) { $0 + $1.amountCents })] : []) + [""])
        return writer.text
    }

    /// "1234.50": a plain number a spreadsheet sums.
    static func dollars(_ cents: Int) -> String {
        "\(cents / 100)." + (cents % 100).zeroPadded(2)
    }
}
