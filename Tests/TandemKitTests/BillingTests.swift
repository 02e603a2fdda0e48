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

    @Test("the daily cap is per person and day, across individual and group lines")
    func dailyCapAcrossLines() {
        let lines = PeerSupportBilling.days(
            [
                Self.service("a", Self.day, 60), Self.service("a", Self.day, 60, modifiers: ["HQ"]),
                Self.service("b", Self.day, 60),
            ], rule: .cms8, dailyCap: 6)
        #expect(lines.map(\.units) == [4, 2, 4])
        #expect(lines.map(\.capped) == [false, true, false])
        let none = PeerSupportBilling.days(
            [Self.service("a", Self.day, 60), Self.service("a", Self.day, 60, modifiers: ["HQ"])], rule: .cms8,
            dailyCap: 4)
        #expect(none.map(\.units) == [4, 0] && none[1].capped)
    }

    @Test("each payer gets its own line; the providers of a day share it, each named once")
    func payersAndProviders() {
        let lines = PeerSupportBilling.days(
            [
                BillableService(
                    participantID: "a", day: Self.day, code: peerSupportCode, modifiers: [], minutes: 10,
                    provider: "ana", payer: "grant"),
                BillableService(
                    participantID: "a", day: Self.day, code: peerSupportCode, modifiers: [], minutes: 10,
                    provider: "ben", payer: "grant"),
                BillableService(
                    participantID: "a", day: Self.day, code: peerSupportCode, modifiers: [], minutes: 5,
                    provider: "ana", payer: "grant"),
                BillableService(
                    participantID: "a", day: Self.day, code: peerSupportCode, modifiers: [], minutes: 30,
                    provider: "ana", payer: "medicaid_insurance"),
            ], rule: .cms8, dailyCap: nil)
        #expect(lines.map(\.payer) == ["grant", "medicaid_insurance"])
        #expect(lines[0].providers == ["ana", "ben"] && lines[0].minutes == 25 && lines[0].units == 2)
        #expect(lines[1].providers == ["ana"] && lines[1].units == 2)
    }
}

@Suite("Billing policy and export")
struct BillingPolicyTests {
    @Test("modifiers are two letters or digits, upper-cased, each once")
    func modifiers() {
        #expect(BillingPolicy.parseModifiers("hf, U1;hf") == ["HF", "U1"])
        #expect(BillingPolicy.parseModifiers("  ") == [])
        #expect(BillingPolicy.parseModifiers("HFX") == nil)
        #expect(BillingPolicy.parseModifiers("H-") == nil)
        #expect(BillingPolicy.parseModifiers("ÉF") == nil)
        #expect(BillingPolicy.payerModifiersProblem("HF U1 U2 U3") == "error_billing_modifier_count")
        #expect(BillingPolicy.payerModifiersProblem("HF U1 U2") == nil)
        #expect(BillingPolicy.groupModifierProblem("HQ UN") == "error_billing_group_modifier")
        #expect(BillingPolicy.groupModifierProblem("") == nil)
    }

    @Test("a line's modifiers: the payer's, then the group modifier for a group session")
    func lineModifiers() {
        let policy = BillingPolicy(payerModifiers: [.medicaidInsurance: ["HF"], .grant: ["HQ"]])
        #expect(policy.modifiers(funding: .medicaidInsurance, group: true) == ["HF", "HQ"])
        #expect(policy.modifiers(funding: .medicaidInsurance, group: false) == ["HF"])
        #expect(policy.modifiers(funding: .grant, group: true) == ["HQ"])
        #expect(policy.modifiers(funding: .privatePay, group: false) == [])
        #expect(BillingPolicy(groupModifier: "").modifiers(funding: .grant, group: true) == [])
        #expect(!BillingPolicy.isBilled(.volunteer) && BillingPolicy.isBilled(.grant))
    }

    @Test("a daily cap is empty or a whole number of units in range")
    func dailyCap() {
        #expect(BillingPolicy.parseDailyCap(" ") == (nil, nil))
        #expect(BillingPolicy.parseDailyCap("16") == (16, nil))
        #expect(BillingPolicy.parseDailyCap("0").problem == "error_billing_daily_cap")
        #expect(BillingPolicy.parseDailyCap("97").problem == "error_billing_daily_cap")
        #expect(BillingPolicy.parseDailyCap("four").problem == "error_billing_daily_cap")
    }

    @Test("credentials are short plain text")
    func credentials() {
        #expect(BillingPolicy.credential(" CPRS, CRPA ") == "CPRS, CRPA")
        #expect(BillingPolicy.credential("=HYPERLINK(1)") == nil)
        #expect(BillingPolicy.credential(String(repeating: "A", count: 41)) == nil)
    }

    @Test("the CSV has a row per line with the person, provider, credential and payer")
    func csv() {
        let day = CalendarDate("2026-11-02")!
        let lines = PeerSupportBilling.days(
            [
                BillableService(
                    participantID: "p1", day: day, code: peerSupportCode, modifiers: ["HF", "HQ"], minutes: 23,
                    provider: "u1", payer: "medicaid_insurance"),
                BillableService(
                    participantID: "p1", day: day, code: peerSupportCode, modifiers: ["HF", "HQ"], minutes: 10,
                    provider: "u2", payer: "medicaid_insurance"),
            ], rule: .cms8, dailyCap: 1)
        let text = BillingExport.csv(
            lines, people: ["p1": .init(name: "Rivera, Sam", dateOfBirth: "1990-04-01")],
            providers: ["u1": .init(name: "Ana Ruiz", credential: "CPRS")])
        let rows = text.split(separator: "\r\n").map(String.init)
        #expect(rows.count == 2)
        #expect(rows[0] == BillingExport.header.joined(separator: ","))
        #expect(
            rows[1]
                == "p1,\"Rivera, Sam\",1990-04-01,2026-11-02,H0038,HF HQ,1,33,2,Ana Ruiz; u2,CPRS; ,medicaid_insurance,yes"
        )
    }
}
