import Foundation
import Testing

@testable import TandemKit

@Suite("Referrals")
struct ReferralTests {
    @Test(
        "the steps a referral may take",
        arguments: [
            (
                ReferralStatus.suggested,
                [ReferralStatus.contacted, .scheduled, .connected, .declined, .couldNotConnect]
            ),
            (.contacted, [.scheduled, .connected, .declined, .couldNotConnect]),
            (.scheduled, [.connected, .declined, .couldNotConnect]),
            (.connected, [.closed, .declined, .couldNotConnect]),
            (.closed, []), (.declined, []), (.couldNotConnect, []),
        ])
    func steps(from: ReferralStatus, expected: [ReferralStatus]) {
        #expect(from.next == expected)
        for status in ReferralStatus.allCases { #expect(from.canMove(to: status) == expected.contains(status)) }
    }

    static let today = CalendarDate("2026-11-29")!

    @Test("moving on needs the person's agreement; closing needs an outcome")
    func moves() {
        #expect(
            ReferralRules.moveProblems(from: .suggested, to: .contacted, agreed: false, outcome: "", note: "")
                .map(\.field) == ["agreed"])
        #expect(
            ReferralRules.moveProblems(from: .suggested, to: .declined, agreed: false, outcome: "", note: "").isEmpty)
        #expect(
            ReferralRules.moveProblems(from: .connected, to: .closed, agreed: true, outcome: "", note: "")
                .map(\.field) == ["outcome"])
        #expect(
            ReferralRules.moveProblems(from: .connected, to: .closed, agreed: true, outcome: "helped", note: "")
                .isEmpty)
        #expect(
            ReferralRules.moveProblems(from: .closed, to: .contacted, agreed: true, outcome: "", note: "")
                .map(\.field) == ["status"])
    }

    @Test(
        "a new referral: a reason, and a follow-up date from today up to a year ahead",
        arguments: [
            ("detox tonight", "", "2026-12-01", [String]()), ("", "", "", ["reason"]),
            ("a", "", "2026-11-28", ["follow_up"]), ("a", "", "2026-11-29", []), ("a", "", "2028-01-01", ["follow_up"]),
            ("a", "", "soon", ["follow_up"]), (String(repeating: "a", count: 501), "", "", ["reason"]),
        ])
    func newReferral(reason: String, notes: String, followUp: String, fields: [String]) {
        #expect(
            ReferralRules.problems(reason: reason, notes: notes, followUp: followUp, today: Self.today).map(\.field)
                == fields)
    }
}
