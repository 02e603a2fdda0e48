import Foundation
import Testing

@testable import TandemKit

@Suite("Resource directory: hours, rules and CSV")
struct DirectoryTests {
    @Test(
        "open now, by OpenStreetMap-style hours, across midnight and the week's end",
        arguments: [
            ("Mo-Fr 09:00-17:00", 1, "09:00", true), ("Mo-Fr 09:00-17:00", 1, "17:00", false),
            ("Mo-Fr 09:00-17:00", 1, "08:59", false), ("Mo-Fr 09:00-17:00", 6, "10:00", false),
            ("Mo-Fr 09:00-17:00; Sa 10:00-14:00", 6, "13:59", true),
            ("Fr 22:00-02:00", 5, "23:30", true), ("Fr 22:00-02:00", 6, "01:59", true),
            ("Fr 22:00-02:00", 6, "02:00", false), ("Sa 20:00-03:00", 0, "02:30", true),
            ("Sa 20:00-03:00", 6, "02:30", false), ("Mo-Su 00:00-24:00", 3, "23:59", true),
            ("24/7", 0, "03:00", true), ("", 2, "12:00", false),
            ("Mo-Fr 08:00-12:00,13:00-17:00", 2, "12:30", false),
            ("Mo-Fr 08:00-12:00,13:00-17:00", 2, "13:00", true),
            ("Mo-Sa 09:00-17:00; Sa off", 6, "10:00", false), ("Fr-Mo 10:00-11:00", 0, "10:30", true),
            ("Fr-Mo 10:00-11:00", 3, "10:30", false), ("Tu,Th 18:00-20:00", 4, "19:00", true),
        ])
    func openNow(hours: String, day: Int, time: String, expected: Bool) throws {
        let parsed = try OpeningHours.parse(hours).get()
        #expect(parsed.isOpen(day: day, minute: TimeOfDay(time)!.minutes) == expected, "\(hours) \(day) \(time)")
    }

    @Test(
        "hours it cannot read are refused with the rule at fault",
        arguments: ["Mon-Fri 9-5", "Mo-Fr", "Mo-Fr 09:00", "Mo-Fr 25:00-26:00", "Xx 09:00-10:00", "Mo 9:00-10:00"])
    func badHours(text: String) {
        guard case .failure(let error) = OpeningHours.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(!error.rule.isEmpty)
    }

    static let today = CalendarDate("2026-11-29")!

    @Test("a complete resource has no problems")
    func complete() {
        let draft = ResourceDraft(
            name: " Harbor Detox ", categories: ["withdrawal_management", "crisis"], latitude: "39.95",
            longitude: "-75.16", website: "https://harbor.example", hours: "24/7", languages: ["EN", "es", "en"],
            costs: ["insurance", "free"], lastVerified: "2026-11-01"
        ).normalized()
        #expect(draft.problems(today: Self.today).isEmpty)
        #expect(draft.name == "Harbor Detox")
        #expect(draft.languages == ["en", "es"])
        #expect(draft.costs == ["free", "insurance"])
        #expect(draft.categories == ["withdrawal_management", "crisis"])
    }

    @Test(
        "each rule names its field",
        arguments: [
            (ResourceDraft(categories: ["crisis"]), "name"),
            (ResourceDraft(name: "A"), "categories"),
            (ResourceDraft(name: "A", categories: ["detox"]), "categories"),
            (ResourceDraft(name: "A", categories: ["crisis"], latitude: "39"), "latitude"),
            (ResourceDraft(name: "A", categories: ["crisis"], latitude: "91", longitude: "0"), "latitude"),
            (ResourceDraft(name: "A", categories: ["crisis"], website: "javascript:alert(1)"), "website"),
            (ResourceDraft(name: "A", categories: ["crisis"], hours: "always"), "hours"),
            (ResourceDraft(name: "A", categories: ["crisis"], languages: ["english"]), "languages"),
            (ResourceDraft(name: "A", categories: ["crisis"], costs: ["cheap"]), "costs"),
            (ResourceDraft(name: "A", categories: ["crisis"], lastVerified: "2027-01-01"), "last_verified"),
            (ResourceDraft(name: "A", categories: ["crisis"], lastVerified: "yesterday"), "last_verified"),
            (ResourceDraft(name: String(repeating: "a", count: 201), categories: ["crisis"]), "name"),
        ])
    func rules(draft: ResourceDraft, field: String) {
        let problems = draft.normalized().problems(today: Self.today)
        #expect(problems.map(\.field) == [field], "\(problems)")
    }

    @Test("entries not checked for six months are stale")
    func stale() {
        #expect(!ResourceDraft.isStale(lastVerified: "2026-06-02", today: Self.today))
        #expect(ResourceDraft.isStale(lastVerified: "2026-05-31", today: Self.today))
        #expect(ResourceDraft.isStale(lastVerified: "", today: Self.today))
    }

    @Test("CSV: quotes, doubled quotes, line breaks in a field, CRLF and LF, a byte order mark")
    func reader() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3"
        let rows = try CSVReader.rows(text).get()
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"]])
        #expect(rows.map(\.line) == [1, 2, 5])
    }

    @Test("CSV: a quote never closed is an error naming its line")
    func unclosed() {
        #expect(throws: CSVReader.Failure(line: 2)) { try CSVReader.rows("a\n\"open,b\nc").get() }
    }

    @Test("CSV: what CSVWriter writes reads back the same, formula guard included")
    func roundTrip() throws {
        let values = [["=SUM(A1)", "-3.5", "a, \"b\"", "line\r\nbreak", "@home", "plain"]]
        var writer = CSVWriter()
        for row in values { writer.row(row) }
        let read = try CSVReader.rows(writer.text).get().map(\.fields)
        #expect(read == values)
    }

    @Test("a directory file: columns by name in any order, unknown ones named, lists by semicolon")
    func directoryFile() throws {
        let text = "Name,Categories,Languages,Colour,cost\nHarbor,withdrawal_management;crisis,en;es,blue,free\n"
        let (rows, ignored) = try ResourceCSV.read(text).get()
        #expect(ignored == ["colour"])
        #expect(rows.count == 1)
        #expect(rows[0].draft.categories == ["withdrawal_management", "crisis"])
        #expect(rows[0].draft.languages == ["en", "es"])
        #expect(rows[0].draft.costs == ["free"])
        #expect(rows[0].line == 2)
        #expect(ResourceCSV.read("").map { _ in 0 } == .failure(.empty))
        #expect(ResourceCSV.read("title,phone\nA,1").map { _ in 0 } == .failure(.noName))
    }

    @Test("a row written by the export reads back as the same draft")
    func exportRow() throws {
        let draft = ResourceDraft(
            name: "Family Circle", description: "Evenings, \"all welcome\"", categories: ["family_support"],
            address: "1 Main St, Springfield", latitude: "40.1", longitude: "-75.2", phone: "+1 555 0100",
            website: "https://family.example", hours: "Tu,Th 18:00-20:00; Sa 10:00-12:00", languages: ["en", "es"],
            costs: ["free"], eligibility: "Families", accessibility: "Step-free", lastVerified: "2026-10-10")
        var writer = CSVWriter()
        writer.row(ResourceCSV.columns)
        writer.row(ResourceCSV.fields(id: "x", draft))
        let (rows, _) = try ResourceCSV.read(writer.text).get()
        #expect(rows.first?.draft == draft)
        #expect(rows.first?.id == "x")
    }

    @Test(
        "a search by distance: the point and how far, each read or named as a problem",
        arguments: [
            ("39.95, -75.16", "", 39.95, 25.0, [String]()), ("39.95,\u{2212}75.16", "10", 39.95, 10.0, []),
            ("  ", " ", nil, 25.0, []), ("200, 10", "", nil, 25.0, ["near"]), ("39.95", "", nil, 25.0, ["near"]),
            ("1,2,3", "", nil, 25.0, ["near"]), ("nan, 1", "", nil, 25.0, ["near"]),
            ("39.95, -75.16", "-5", 39.95, 25.0, ["km"]), ("", "0.5", nil, 25.0, ["km"]),
            ("", "500", nil, 500.0, []), ("", "inf", nil, 25.0, ["km"]), ("x", "abc", nil, 25.0, ["near", "km"]),
        ] as [(String, String, Double?, Double, [String])])
    func nearSearch(near: String, km: String, latitude: Double?, kilometres: Double, problems: [String]) {
        let search = NearSearch(near: near, km: km)
        #expect(search.point?.latitude == latitude)
        #expect(search.kilometres == kilometres)
        #expect(search.problems == problems)
    }
}
