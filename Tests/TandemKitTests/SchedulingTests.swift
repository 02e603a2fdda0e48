import Foundation
import Testing

@testable import TandemKit

@Suite("Appointments")
struct SchedulingTests {
    static let zone = TimeZone(identifier: "America/New_York")!
    static let now = ISO8601DateFormatter().date(from: "2026-11-02T15:00:00Z")!  // 10:00 in New York

    static func fields(_ draft: AppointmentDraft) -> [String] {
        draft.problems(now: now, in: zone).map(\.field)
    }

    @Test("a complete appointment in the future has no problems and its times are in the organization's zone")
    func valid() {
        let draft = AppointmentDraft(
            date: "2026-11-02", start: "14:00", end: "14:45", mode: "in_person", place: "Office")
        #expect(Self.fields(draft).isEmpty)
        let interval = draft.interval(in: Self.zone)!
        #expect(ICalendar.utc(interval.start) == "20261102T190000Z")
        #expect(interval.end.timeIntervalSince(interval.start) == 45 * 60)
    }

    @Test("bad input is refused at each field")
    func refused() {
        #expect(Self.fields(AppointmentDraft()) == ["date", "start", "mode"])
        #expect(
            Self.fields(AppointmentDraft(date: "2026-11-02", start: "09:00", end: "09:30", mode: "phone")) == ["start"])
        #expect(
            Self.fields(AppointmentDraft(date: "2026-11-03", start: "09:00", end: "08:30", mode: "phone")) == ["end"])
        #expect(
            Self.fields(AppointmentDraft(date: "2026-11-03", start: "00:00", end: "23:00", mode: "phone")) == ["end"])
        #expect(
            Self.fields(AppointmentDraft(date: "2029-01-01", start: "09:00", end: "10:00", mode: "phone")) == ["date"])
        #expect(
            Self.fields(AppointmentDraft(date: "2026-11-03", start: "09:00", end: "10:00", mode: "off_site")) == [
                "place"
            ])
        #expect(
            Self.fields(AppointmentDraft(date: "2026-11-03", start: "09:00", end: "10:00", mode: "fax")) == ["mode"])
        let badLink = AppointmentDraft(
            date: "2026-11-03", start: "09:00", end: "10:00", mode: "video", videoLink: "javascript:alert(1)")
        #expect(Self.fields(badLink) == ["video_link"])
        var good = badLink
        good.videoLink = "https://meet.example.org/abc"
        #expect(Self.fields(good).isEmpty)
        var phoneWithLink = good
        phoneWithLink.mode = "phone"
        #expect(Self.fields(phoneWithLink) == ["video_link"])
        // A phone appointment carries the number to call; a video one cannot.
        var phoneWithNumber = phoneWithLink
        phoneWithNumber.videoLink = "+1 (302) 555-0148"
        #expect(Self.fields(phoneWithNumber).isEmpty)
        var videoWithNumber = phoneWithNumber
        videoWithNumber.mode = "video"
        #expect(Self.fields(videoWithNumber) == ["video_link"])
        var inPersonWithNumber = phoneWithNumber
        inPersonWithNumber.mode = "in_person"
        inPersonWithNumber.place = "Office"
        #expect(Self.fields(inPersonWithNumber) == ["video_link"])
        #expect(AppointmentReason.problem("") == "error_appointment_reason")
        #expect(AppointmentReason.problem("Car broke down") == nil)
    }

    @Test("a feed shows times only, or the other person's first name, mode and place")
    func feedEvents() {
        let appointment = CalendarAppointment(
            id: "ABC", start: Self.now, end: Self.now.addingTimeInterval(1800), status: .cancelled, mode: .video,
            place: "", videoLink: "https://meet.example.org/x", otherName: "Rosa María Diaz", changes: 2)
        let plain = appointment.event(
            detail: .times, domain: "tandem.example.org", plainTitle: "Appointment", titleWith: { "With " + $0 },
            modeName: { $0.rawValue })
        #expect(plain.summary == "Appointment" && plain.url == nil && plain.description.isEmpty)
        #expect(plain.uid == "abc@tandem.example.org" && plain.cancelled && plain.sequence == 2)
        let full = appointment.event(
            detail: .details, domain: "tandem.example.org", plainTitle: "Appointment", titleWith: { "With " + $0 },
            modeName: { $0.rawValue })
        #expect(full.summary == "With Rosa" && full.url == "https://meet.example.org/x" && full.description == "video")
        #expect(firstName("  ") == "" && firstName("Sam") == "Sam")
    }
}
