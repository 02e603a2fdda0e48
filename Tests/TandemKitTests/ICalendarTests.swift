import Foundation
import Testing

@testable import TandemKit

@Suite("iCalendar")
struct ICalendarTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    @Test("an event has UID, DTSTAMP, DTSTART and DTEND in UTC, and the calendar its version and product")
    func event() {
        let calendar = ICalendar(
            name: "Coach's week",
            events: [
                .init(
                    uid: "a1@tandem", start: Self.start, end: Self.start.addingTimeInterval(3600), summary: "Session",
                    location: "Library, room 2", url: "https://video.example/abc")
            ])
        let text = calendar.text(now: Self.start)
        let lines = text.components(separatedBy: "\r\n")
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.contains("VERSION:2.0"))
        #expect(lines.contains("PRODID:" + ICalendar.productID))
        #expect(lines.contains("UID:a1@tandem"))
        #expect(lines.contains("DTSTAMP:20261118T110640Z"))
        #expect(lines.contains("DTSTART:20261118T110640Z"))
        #expect(lines.contains("DTEND:20261118T120640Z"))
        #expect(lines.contains("LOCATION:Library\\, room 2"))
        #expect(lines.contains("STATUS:CONFIRMED"))
    }

    @Test("text is escaped: backslash, semicolon, comma and newlines")
    func escaping() {
        #expect(ICalendar.escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf")
        #expect(ICalendar.escape("plain words") == "plain words")
    }

    @Test("long lines fold at 75 octets without splitting a character")
    func folding() {
        let long = "SUMMARY:" + String(repeating: "ñ", count: 60)
        let folded = ICalendar.fold(long)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.utf8.count <= 75 })
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(
            parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == long)
        #expect(ICalendar.fold("SUMMARY:short") == "SUMMARY:short")
    }

    @Test("a cancelled appointment says so, and an end before its start is moved to the start")
    func cancelled() {
        let text = ICalendar(
            name: "x",
            events: [
                .init(
                    uid: "u", start: Self.start, end: Self.start.addingTimeInterval(-60), summary: "s", cancelled: true)
            ]
        ).text(now: Self.start)
        #expect(text.contains("STATUS:CANCELLED\r\n"))
        #expect(text.contains("DTEND:20261118T110640Z\r\n"))
    }
}
