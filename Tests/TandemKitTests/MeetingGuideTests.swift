import Foundation
import Testing

@testable import TandemKit

@Suite("Meeting Guide feeds")
struct MeetingGuideTests {
    /// The real feeds the project is tested against, beside the repository.
    static let feeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/meeting-guide")

    static func parse(_ json: String) -> Result<FeedImport, FeedError> { MeetingGuide.parse(Data(json.utf8)) }

    @Test(
        "times as feeds write them",
        arguments: [
            ("19:00", 1140), ("7:00", 420), ("07:30", 450), ("19:00:00", 1140), ("7:00 PM", 1140), ("7 pm", 1140),
            ("7:30am", 450), ("12:00 PM", 720), ("12:15 AM", 15), ("noon", 720), ("midnight", 0), ("7:00 p.m.", 1140),
        ])
    func times(text: String, minutes: Int) {
        #expect(MeetingGuide.time(text)?.minutes == minutes)
    }

    @Test("times that are not", arguments: ["25:00", "7", "13:00 PM", "0:00 am", "7:5", "seven", "", "19:60"])
    func badTimes(text: String) {
        #expect(MeetingGuide.time(text) == nil)
    }

    @Test("days as numbers, strings, names and arrays")
    func days() {
        #expect(MeetingGuide.days(2) == [2])
        #expect(MeetingGuide.days("3") == [3])
        #expect(MeetingGuide.days("Tuesday") == [2])
        #expect(MeetingGuide.days([5, "1", "sat", 1]) == [1, 5, 6])
        #expect(MeetingGuide.days(7) == nil)
        #expect(MeetingGuide.days("someday") == nil)
        #expect(MeetingGuide.days([1, 2.5]) == nil)
    }

    @Test("each bad record is reported with why; the good ones are kept")
    func edgeCases() throws {
        let feed = """
            [
             {"name":"Tuesday Night","slug":"tue","day":"2","time":"7:00 PM","end_time":"8:30 PM",
              "formatted_address":"12 Main St, Dover, DE","types":["O","D","S","XYZ"],"extra_field":{"a":1}},
             {"name":"Daily Zoom","slug":"zoom","day":[0,1,2,3,4,5,6],"time":"07:00","conference_url":"https://zoom.us/j/1"},
             {"name":"No slug","day":1,"time":"10:00","formatted_address":"x"},
             {"slug":"no-name","day":1,"time":"10:00","formatted_address":"x"},
             {"name":"Bad time","slug":"bad-time","day":1,"time":"25:99","formatted_address":"x"},
             {"name":"Bad day","slug":"bad-day","day":"someday","time":"10:00","formatted_address":"x"},
             {"name":"Nowhere","slug":"nowhere","day":1,"time":"10:00"},
             {"name":"Again","slug":"tue","day":3,"time":"10:00","formatted_address":"y"},
             {"name":"Day no time","slug":"day-no-time","day":4,"formatted_address":"y"},
             {"name":"By appointment","slug":"appt","formatted_address":"y","end_time":"late"},
             "not an object"
            ]
            """
        let result = try Self.parse(feed).get()
        #expect(result.meetings.map(\.slug) == ["tue", "zoom", "appt"])
        #expect(
            result.skipped.map(\.message) == [
                "no slug", "no name", "time not understood: 25:99", "day not understood: \"someday\"",
                "no location and no online link or phone", "duplicate slug", "a day but no time", "not a JSON object",
            ])
        #expect(result.skipped.map(\.index) == [2, 3, 4, 5, 6, 7, 8, 10])
        let tuesday = result.meetings[0]
        #expect(tuesday.days == [2] && tuesday.time?.minutes == 19 * 60 && tuesday.endTime?.minutes == 20 * 60 + 30)
        #expect(tuesday.types == ["O", "D", "S", "XYZ"] && tuesday.attendance == .inPerson)
        #expect(tuesday.raw.contains("\"extra_field\""))
        let zoom = result.meetings[1]
        #expect(zoom.days == [0, 1, 2, 3, 4, 5, 6] && zoom.attendance == .online)
        #expect(zoom.effectiveEnd?.minutes == 8 * 60)
        #expect(result.meetings[2].days.isEmpty && result.warnings.map(\.slug) == ["appt"])
    }

    @Test("a feed that is not one is refused whole")
    func badFeeds() {
        #expect(Self.parse("{\"name\":1}").failureValue == .notAnArray)
        #expect(Self.parse("[]").failureValue == .empty)
        if case .notJSON = Self.parse("[{\"name\":").failureValue {} else { Issue.record("invalid JSON accepted") }
        // A web page where the feed was expected is named as such.
        let page = Self.parse("\n <!DOCTYPE html><html><body>Meetings</body></html>").failureValue
        #expect(page?.description.contains("web page (HTML)") == true)
        #expect(Self.parse("[{\"name\":").failureValue?.description.contains("Error") == false)
    }

    @Test(
        "the real feeds",
        arguments: [
            ("aasepia.json", 2038, 2038), ("al-anon.json", 360, 360), ("atlanta.json", 6, 6),
            ("sussexaa.json", 123, 123),
        ])
    func realFeeds(file: String, records: Int, kept: Int) throws {
        let data = try Data(contentsOf: Self.feeds.appendingPathComponent(file))
        let result = try MeetingGuide.parse(data).get()
        #expect(result.meetings.count + result.skipped.count == records)
        #expect(result.meetings.count == kept, "\(result.skipped.prefix(5))")
        #expect(Set(result.meetings.map(\.slug)).count == result.meetings.count)
    }
}

extension MeetingGuideTests {
    @Test("spot checks of the real feeds")
    func spotChecks() throws {
        let aa = try MeetingGuide.parse(Data(contentsOf: Self.feeds.appendingPathComponent("aasepia.json"))).get()
        let first = try #require(aa.meetings.first)
        #expect(first.name == "Chester-Woodlyn" && first.days == [0] && first.time?.minutes == 0)
        #expect(first.endTime?.minutes == 60 && first.types == ["C"])
        #expect(first.formattedAddress == "1937 West MacDade Boulevard, Woodlyn, PA 19094, USA")
        #expect(first.latitude == 39.8712402 && first.longitude == -75.3543743)
        #expect(aa.meetings.filter { !$0.conferenceURL.isEmpty }.count == 586)
        let sussex = try MeetingGuide.parse(Data(contentsOf: Self.feeds.appendingPathComponent("sussexaa.json"))).get()
        let lunes = try #require(sussex.meetings.first { $0.slug == "lunes-nueva-generacion" })
        #expect(lunes.days == [1] && lunes.time?.minutes == 19 * 60 && lunes.types == ["D", "O", "S"])
        #expect(lunes.attendance == .inPerson && lunes.conferenceURL.isEmpty)
        let alAnon = try MeetingGuide.parse(Data(contentsOf: Self.feeds.appendingPathComponent("al-anon.json"))).get()
        let counts = Dictionary(grouping: alAnon.meetings, by: \.attendance).mapValues(\.count)
        #expect(counts[.online] == 113 && counts[.hybrid] == 60 && counts[.inactive] == 31 && counts[.inPerson] == 156)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
