import Foundation
import Testing

@testable import TandemKit

@Suite("Consent decisions")
struct ConsentTests {
    static let mother = ConsentRecipient.account(UUID(uuidString: "00000000-0000-0000-0000-0000000000aa")!)
    static let court = ConsentRecipient.organization("Kent County Drug Court")
    static let now = ISO8601DateFormatter().date(from: "2026-11-29T18:00:00Z")!
    static let today = CalendarDate("2026-11-29")!
    static let signed = now.addingTimeInterval(-86_400)

    static func consent(
        _ recipient: ConsentRecipient = mother, _ categories: Set<ConsentCategory> = [.milestones],
        purpose: ConsentPurpose = .familySupport, expiry: ConsentExpiry = .day(CalendarDate("2027-01-01")!),
        signedAt: Date? = signed, revokedAt: Date? = nil
    ) -> ConsentTerms {
        ConsentTerms(
            id: UUID(), recipient: recipient, categories: categories, purpose: purpose, expiry: expiry,
            signedAt: signedAt, revokedAt: revokedAt)
    }

    typealias Row = (
        consents: [ConsentTerms], recipient: ConsentRecipient, category: ConsentCategory, purpose: ConsentPurpose,
        ended: Bool, expected: ConsentDecision.Refusal?
    )

    static let table: [Row] = [
        // Allowed: the recipient, the category and the purpose consented, signed, in force.
        ([consent()], mother, .milestones, .familySupport, false, nil),
        // No consent at all, or one for someone else.
        ([], mother, .milestones, .familySupport, false, .noConsent),
        ([consent(court)], mother, .milestones, .familySupport, false, .noConsent),
        // Another category, another purpose.
        ([consent()], mother, .checkIns, .familySupport, false, .categoryNotConsented),
        ([consent()], mother, .milestones, .courtProgram, false, .purposeNotConsented),
        // Not signed yet; signed only in the future.
        ([consent(signedAt: nil)], mother, .milestones, .familySupport, false, .notSigned),
        ([consent(signedAt: now.addingTimeInterval(60))], mother, .milestones, .familySupport, false, .notSigned),
        // The last day is still in force; the day after is not.
        ([consent(expiry: .day(today))], mother, .milestones, .familySupport, false, nil),
        ([consent(expiry: .day(today.adding(days: -1)!))], mother, .milestones, .familySupport, false, .expired),
        // Revoked: at once, from the moment of revoking.
        ([consent(revokedAt: now)], mother, .milestones, .familySupport, false, .revoked),
        ([consent(revokedAt: now.addingTimeInterval(60))], mother, .milestones, .familySupport, false, nil),
        // Until the end of the engagement.
        ([consent(expiry: .engagementEnd)], mother, .milestones, .familySupport, false, nil),
        ([consent(expiry: .engagementEnd)], mother, .milestones, .familySupport, true, .engagementEnded),
        // One revoked and one in force: the one in force decides.
        (
            [consent(revokedAt: signed), consent(mother, [.milestones, .meetingAttendance])], mother,
            .meetingAttendance,
            .familySupport, false, nil
        ),
        // The nearest reason is given: in force but for another category beats revoked.
        (
            [consent(revokedAt: signed), consent(mother, [.plan])], mother, .milestones, .familySupport, false,
            .categoryNotConsented
        ),
        // Outside parties are matched by name, whatever the spacing and case.
        (
            [consent(court, [.checkIns], purpose: .courtProgram)], .organization("kent county  drug court"), .checkIns,
            .courtProgram, false, nil
        ),
    ]

    @Test("the table: recipient, category, purpose, expiry, revocation, engagement", arguments: 0..<table.count)
    func decision(index: Int) {
        let row = Self.table[index]
        let decision = ConsentRules.decide(
            row.consents, recipient: row.recipient, category: row.category, purpose: row.purpose, now: Self.now,
            today: Self.today, engagementEnded: row.ended)
        if let refusal = row.expected {
            #expect(decision == .refused(refusal), "row \(index)")
        } else {
            #expect(decision.isAllowed, "row \(index): \(decision)")
        }
    }

    @Test("a consent to sign needs categories, an expiry not past, and a typed name")
    func problems() {
        #expect(
            ConsentRules.problems(
                categories: [], purposeNote: "", expiry: nil, typedName: " ", today: Self.today
            ).map(\.field) == ["categories", "expiry", "typed_name"])
        #expect(
            ConsentRules.problems(
                categories: [.plan], purposeNote: "", expiry: .day(CalendarDate("2026-11-28")!), typedName: "Ana",
                today: Self.today
            ).map(\.field) == ["expiry"])
        #expect(
            ConsentRules.problems(
                categories: [.plan], purposeNote: "Mother", expiry: .engagementEnd, typedName: "Ana", today: Self.today
            ).isEmpty)
        #expect(ConsentRules.notice == "42 CFR part 2 prohibits unauthorized use or disclosure of these records.")
    }
}
