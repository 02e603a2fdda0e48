import Foundation
import Testing

@testable import TandemKit

@Suite("E-mail messages, retries and reminder rules")
struct EmailTests {
    static let date = ISO8601DateFormatter().date(from: "2026-11-29T15:30:05Z")!

    @Test("a message: headers without line breaks, an encoded subject, quoted-printable text")
    func rendered() {
        let message = EmailMessage(
            from: "tandem@example.org", to: "rosa@example.org", subject: "Recordatorio de cita — mañana",
            body: "Hola, Rosa:\nmañana a las 15:00 = ok \n.hidden", messageID: "<abc@example.org>")
        let text = message.rendered(date: Self.date)
        #expect(text.contains("Date: Sun, 29 Nov 2026 15:30:05 +0000\r\n"))
        #expect(text.contains("Subject: =?utf-8?B?"))
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
        #expect(text.contains("ma=C3=B1ana a las 15:00 =3D ok=20\r\n.hidden"))
        let stuffed = EmailMessage.dotStuffed(text)
        #expect(stuffed.contains("\r\n..hidden") && !stuffed.contains("\r\n.hidden"))
        var injected = message
        injected.subject = "Hi\r\nBcc: someone@example.org"
        injected.from = "tandem@example.org\r\nBcc: someone@example.org"
        #expect(!injected.rendered(date: Self.date).contains("\r\nBcc:"))
        #expect(injected.rendered(date: Self.date).contains("Subject: HiBcc: someone@example.org\r\n"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("long lines get soft breaks; encoded subjects decode back")
    func longLines() {
        let body = String(repeating: "é", count: 60)
        let encoded = EmailMessage.quotedPrintable(body)
        #expect(encoded.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.contains("=\r\n"))
        let subject = EmailMessage.encodedWord(String(repeating: "ñ", count: 40))
        let decoded = subject.split(separator: "\r\n ").map { word -> String in
            let inner = word.dropFirst("=?utf-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(inner))!, as: UTF8.self)
        }.joined()
        #expect(decoded == String(repeating: "ñ", count: 40))
        #expect(EmailMessage.encodedWord("Plain words") == "Plain words")
    }

    @Test(
        "addresses",
        arguments: [
            ("rosa@example.org", true), ("a.b+c@sub.example.org", true), ("no-at.example.org", false),
            ("a@b", false), ("a b@example.org", false), ("a@example.org\r\nRCPT TO:<x@y.z>", false),
            ("<a@example.org>", false), ("a@.example.org", false),
        ])
    func addresses(text: String, valid: Bool) {
        #expect(EmailMessage.isAddress(text) == valid)
    }

    @Test("retries wait longer each time, at most six hours")
    func retries() {
        #expect(OutboxRetry.delay(afterAttempt: 1) == 60)
        #expect(OutboxRetry.delay(afterAttempt: 2) == 120)
        #expect(OutboxRetry.delay(afterAttempt: 4, base: 1) == 8)
        #expect(OutboxRetry.delay(afterAttempt: 30) == 6 * 3600)
    }

    @Test("appointment reminders: the day before and an hour before, each in its window")
    func appointmentWindows() {
        let start = Self.date
        func at(hoursBefore: Double) -> ReminderRules.AppointmentReminder? {
            ReminderRules.appointmentReminder(start: start, now: start.addingTimeInterval(-hoursBefore * 3600))
        }
        #expect(at(hoursBefore: 25) == nil)
        #expect(at(hoursBefore: 24) == .dayBefore)
        #expect(at(hoursBefore: 13) == .dayBefore)
        #expect(at(hoursBefore: 12) == nil)
        #expect(at(hoursBefore: 1) == .hourBefore)
        #expect(at(hoursBefore: 0.5) == .hourBefore)
        #expect(at(hoursBefore: 0.1) == nil)
        #expect(
            ReminderRules.appointmentKey(.dayBefore, appointmentID: "AB", changes: 2) == "appointment_24h:ab:2")
    }

    @Test("the check-in reminder: from the chosen time for two hours, not after checking in")
    func checkIn() {
        let chosen = TimeOfDay("19:00")!
        #expect(!ReminderRules.checkInDue(chosen: chosen, localTime: TimeOfDay("18:59")!, checkedInToday: false))
        #expect(ReminderRules.checkInDue(chosen: chosen, localTime: TimeOfDay("19:00")!, checkedInToday: false))
        #expect(ReminderRules.checkInDue(chosen: chosen, localTime: TimeOfDay("20:59")!, checkedInToday: false))
        #expect(!ReminderRules.checkInDue(chosen: chosen, localTime: TimeOfDay("21:00")!, checkedInToday: false))
        #expect(!ReminderRules.checkInDue(chosen: chosen, localTime: TimeOfDay("19:30")!, checkedInToday: true))
    }
}
