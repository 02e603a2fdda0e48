import Foundation
import Testing

@testable import TandemKit

@Suite("Meeting Guide export")
struct MeetingExportTests {
    /// A meeting without the record it came with, for comparing what Tandem understood.
    static func understood(_ meeting: Meeting) -> Meeting {
        var meeting = meeting
        meeting.raw = ""
        return meeting
    }

    @Test(
        "every real feed, written out and read back, gives the same meetings",
        arguments: ["aasepia.json", "sussexaa.json", "atlanta.json", "al-anon.json"])
    func roundTrip(file: String) throws {
        let data = try Data(contentsOf: MeetingGuideTests.feeds.appendingPathComponent(file))
        let first = try MeetingGuide.parse(data).get()
        let written = MeetingGuideExport.feed(first.meetings)
        let again = try MeetingGuide.parse(written).get()
        #expect(again.skipped.isEmpty)
        #expect(again.meetings.count == first.meetings.count)
        let differing = zip(again.meetings, first.meetings).filter { Self.understood($0) != Self.understood($1) }
        #expect(differing.isEmpty, "\(differing.count) differ, first: \(String(describing: differing.first))")
        // Written once more, the bytes are the same: nothing drifts on each pass.
        let twice = MeetingGuideExport.feed(again.meetings)
        if twice != written {
            let a = Array(twice), b = Array(written)
            let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? 0
            Issue.record(
                "bytes drift at \(at): \(String(decoding: a[max(0, at - 80)..<min(a.count, at + 80)], as: UTF8.self)) vs \(String(decoding: b[max(0, at - 80)..<min(b.count, at + 80)], as: UTF8.self))"
            )
        }
    }

    @Test("fields Tandem does not use travel on; what it writes follows the spec")
    func record() throws {
        let feed = """
            [{"name":"Lunes","slug":"lunes","day":"Monday","time":"7:00 PM","types":"O,S","address":"1 Main St",
              "city":"Lewes","contact_1_name":"Ana","regions":["Sussex","Lewes"],"latitude":"38.7","longitude":"-75.1"}]
            """
        let meeting = try MeetingGuide.parse(Data(feed.utf8)).get().meetings[0]
        let record = MeetingGuideExport.record(meeting)
        #expect(record["day"] as? Int == 1 && record["time"] as? String == "19:00")
        #expect(record["types"] as? [String] == ["O", "S"])
        #expect(record["contact_1_name"] as? String == "Ana")
        #expect(record["formatted_address"] as? String == "1 Main St, Lewes")
        #expect(record["region"] as? String == "Lewes" && (record["regions"] as? [String])?.count == 2)
        #expect(record["approximate"] as? String == "no" && record["attendance_option"] as? String == "in_person")
    }

    @Test("a meeting typed in a form: checked, given a slug, and kept with the feed's other fields")
    func draft() throws {
        #expect(MeetingDraft().normalized().problems().map(\.field) == ["name", "days", "time", "address"])
        let bad = MeetingDraft(
            name: "A", days: [2], time: "19:00", endTime: "later", conferenceURL: "ftp://x", notes: "")
        #expect(bad.normalized().problems().map(\.field) == ["end_time", "conference_url"])
        let draft = MeetingDraft(
            name: "Martes en Español", days: [2, 2, 9], time: "19:00", types: ["S", "ONL", "S"],
            conferenceURL: "https://meet.example/martes"
        ).normalized()
        #expect(draft.problems().isEmpty && draft.days == [2] && draft.types == ["S", "ONL"])
        let slug = MeetingDraft.slug(draft.name, suffix: "ab12")
        #expect(slug == "martes-en-espanol-ab12")
        let updated = ISO8601DateFormatter().date(from: "2026-11-29T18:05:09Z")!
        let kept = "{\"address\":\"1 Main\",\"contact_1_name\":\"Ana\",\"formatted_address\":\"1 Main\"}"
        let meeting = draft.meeting(slug: slug, timeZone: "America/New_York", raw: kept, updated: updated)
        #expect(meeting.attendance == .online && meeting.updated == "2026-11-29 18:05:09")
        let record = MeetingGuideExport.record(meeting)
        #expect(record["contact_1_name"] as? String == "Ana")
        // The address changed (to none), so the old address parts are gone.
        #expect(record["address"] == nil)
        let reread = try MeetingGuide.parse(MeetingGuideExport.feed([meeting])).get().meetings
        #expect(reread.map(Self.understood) == [Self.understood(meeting)])
        #expect(MeetingDraft(meeting).normalized() == draft)
    }
}
