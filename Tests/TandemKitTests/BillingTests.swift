import Testing

@testable import TandemKit

@Suite("H0038 peer support units")
struct BillingTests {
    @Test(
        "minutes to units under the CMS 8-minute rule",
        arguments: [
            (0, 0), (1, 0), (7, 0), (8, 1), (15, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4),
            (67, 4), (68, 5), (82, 5), (83, 6), (120, 8), (-5, 0),
        ])
    func cms8(minutes: Int, units: Int) {
        #expect(UnitRule.cms8.units(minutes: minutes) == units)
    }

    @Test(
        "minutes to units under full 15 minutes",
        arguments: [
            (0, 0), (1, 0), (7, 0), (8, 0), (14, 0), (15, 1), (22, 1), (23, 1), (29, 1), (30, 2), (37, 2), (38, 2),
            (44, 2), (45, 3), (52, 3), (53, 3), (60, 4), (67, 4), (68, 4), (75, 5),
        ])
    func full15(minutes: Int, units: Int) {
        #expect(UnitRule.full15.units(minutes: minutes) == units)
    }

    static let day = CalendarDate("2026-11-02")!
    static let nextDay = CalendarDate("2026-11-03")!

    static func service(_ person: String, _ day: CalendarDate, _ minutes: Int, modifiers: [String] = [])
        -> BillableService
    {
        BillableService(participantID: person, day: day, code: peerSupportCode, modifiers: modifiers, minutes: minutes)
    }

    @Test("under cms8 a day's sessions are added up before the rule applies")
    func cms8PerDay() {
        // Two 10-minute contacts: 20 minutes that day, one unit (each alone would be one too,
        // but three 5-minute calls bill nothing alone and one unit together).
        let lines = PeerSupportBilling.days(
            [
                Self.service("a", Self.day, 5), Self.service("a", Self.day, 5), Self.service("a", Self.day, 5),
                Self.service("a", Self.nextDay, 7), Self.service("b", Self.day, 22), Self.service("b", Self.day, 1),
            ], rule: .cms8, dailyCap: nil)
        #expect(lines.map(\.participantID) == ["a", "a", "b"])
        #expect(lines[0].minutes == 15 && lines[0].units == 1 && lines[0].sessions == 3)
        #expect(lines[1].day == Self.nextDay && lines[1].units == 0)
        // 23 minutes in all reach the second unit.
        #expect(lines[2].minutes == 23 && lines[2].units == 2)
    }

    @Test("under full15 each session counts its own full quarter hours")
    func full15PerSession() {
        let lines = PeerSupportBilling.days(
            [Self.service("a", Self.day, 14), Self.service("a", Self.day, 14), Self.service("a", Self.day, 31)],
            rule: .full15, dailyCap: nil)
        #expect(lines.count == 1)
        #expect(lines[0].minutes == 59 && lines[0].units == 2 && !lines[0].capped)
    }

    @Test("group sessions (HQ) and individual ones are separate lines")
    func modifiersSeparateLines() {
        let lines = PeerSupportBilling.days(
            [Self.service("a", Self.day, 30), Self.service("a", Self.day, 30, modifiers: ["HQ"])],
            rule: .cms8, dailyCap: nil)
        #expect(lines.map(\.modifiers) == [[], ["HQ"]])
        #expect(lines.map(\.units) == [2, 2])
    }

    @Test("the daily cap limits a day's units and says so")
    func dailyCap() {
        let long = [Self.service("a", Self.day, 5 * 60), Self.service("a", Self.nextDay, 60)]
        let capped = PeerSupportBilling.days(long, rule: .cms8, dailyCap: 16)
        #expect(capped[0].units == 16 && capped[0].capped)
        #expect(capped[1].units == 4 && !capped[1].capped)
        let uncapped = PeerSupportBilling.days(long, rule: .cms8, dailyCap: nil)
        #expect(uncapped[0].units == 20 && !uncapped[0].capped)
        #expect(PeerSupportBilling.days(long, rule: .full15, dailyCap: 16)[0].units == 16)
    }
}
