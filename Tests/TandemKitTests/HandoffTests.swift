import Foundation
import Testing

@testable import TandemKit

@Suite("Hand-offs and aftercare contacts")
struct HandoffTests {
    static let today = CalendarDate("2026-03-10")!

    static func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    @Test("the default template plans an introduction, a contact within 24 hours, then weekly for 12 weeks")
    func defaultPlan() {
        let plan = AftercarePlan.plan(
            accepted: Self.today, discharge: Self.day("2026-03-14"), days: AftercarePlan.defaultDays)
        #expect(plan.count == 14)
        #expect(plan[0] == .init(kind: .introduction, sequence: 0, opensOn: Self.today, dueOn: Self.day("2026-03-14")))
        #expect(
            plan[1]
                == .init(kind: .aftercare, sequence: 1, opensOn: Self.day("2026-03-15"), dueOn: Self.day("2026-03-15")))
        #expect(
            plan[2]
                == .init(kind: .aftercare, sequence: 2, opensOn: Self.day("2026-03-16"), dueOn: Self.day("2026-03-21")))
        #expect(plan.last?.dueOn == Self.day("2026-06-06"))
        // Windows follow each other without gaps or overlaps.
        for (earlier, later) in zip(plan, plan.dropFirst()) {
            #expect(earlier.dueOn.adding(days: 1) == later.opensOn)
            #expect(later.opensOn <= later.dueOn)
        }
    }

    @Test("a hand-off accepted after discharge calls by the next day and skips contacts nobody could make on time")
    func lateAcceptance() {
        let plan = AftercarePlan.plan(accepted: Self.today, discharge: Self.day("2026-03-05"), days: [1, 7, 14])
        #expect(plan.map(\.dueOn) == [Self.day("2026-03-11"), Self.day("2026-03-12"), Self.day("2026-03-19")])
        #expect(plan.map(\.sequence) == [0, 1, 2])
        #expect(plan[1].opensOn == Self.day("2026-03-12"))
    }

    @Test("an empty template plans only the introduction; accepted on the discharge day it is due the next")
    func onlyIntroduction() {
        let plan = AftercarePlan.plan(accepted: Self.today, discharge: Self.today, days: [])
        #expect(plan.count == 1 && plan[0].dueOn == Self.day("2026-03-11"))
    }

    @Test(
        "template days as typed",
        arguments: [
            ("1, 7, 14", [1, 7, 14]), ("14 7 1 7", [1, 7, 14]), ("", []), ("0", nil), ("366", nil), ("a", nil),
            ("1;2\n3", [1, 2, 3]),
        ] as [(String, [Int]?)])
    func parse(text: String, expected: [Int]?) {
        #expect(AftercarePlan.parseDays(text) == expected)
    }

    @Test("no more than 30 contacts")
    func tooMany() {
        #expect(AftercarePlan.parseDays((1...31).map(String.init).joined(separator: ",")) == nil)
        #expect(AftercarePlan.parseDays((1...30).map(String.init).joined(separator: ","))?.count == 30)
    }

    @Test(
        "timing of one planned contact",
        arguments: [
            (nil, "2026-03-09", AftercarePlan.Timing.upcoming), (nil, "2026-03-10", .due), (nil, "2026-03-12", .due),
            (nil, "2026-03-13", .overdue), ("2026-03-12", "2026-03-20", .onTime), ("2026-03-13", "2026-03-20", .late),
        ] as [(String?, String, AftercarePlan.Timing)])
    func timing(completed: String?, today: String, expected: AftercarePlan.Timing) {
        #expect(
            AftercarePlan.timing(
                opensOn: Self.day("2026-03-10"), dueOn: Self.day("2026-03-12"), completedOn: completed.map(Self.day),
                today: Self.day(today)) == expected)
    }

    static func referral() -> HandoffReferral {
        HandoffReferral(
            preferredName: " Sam ", phone: "555 0100", email: "", language: "en", dischargeDate: "2026-03-14",
            serviceType: "virtual_coaching", notes: "Prefers evenings", treatmentCenter: "Lakeside Treatment",
            statusConsent: true, consentSignedName: "Sam Rivera")
    }

    @Test("a complete referral has no problems")
    func valid() {
        #expect(Self.referral().normalized().problems(today: Self.today).isEmpty)
    }

    @Test(
        "what a referral must carry",
        arguments: [
            ("preferred_name", "error_name_missing"), ("phone", "error_handoff_contact"),
            ("discharge_date", "error_date_required"), ("service_type", "error_choose_one"),
            ("consent_signed_name", "error_name_missing"), ("treatment_center", "error_name_missing"),
        ])
    func required(field: String, key: String) {
        var referral = Self.referral()
        switch field {
        case "preferred_name": referral.preferredName = "  "
        case "phone": referral.phone = ""
        case "discharge_date": referral.dischargeDate = ""
        case "service_type": referral.serviceType = "family_recovery_coaching"
        case "consent_signed_name": referral.consentSignedName = ""
        default: referral.treatmentCenter = ""
        }
        let problems = referral.normalized().problems(today: Self.today)
        #expect(problems.map(\.field) == [field])
        #expect(problems.first?.key == key)
    }

    @Test("without consent no signature is asked for; a signed name without the box is asked about, not dropped")
    func noConsent() {
        var referral = Self.referral()
        referral.statusConsent = false
        referral.consentSignedName = ""
        #expect(referral.normalized().problems(today: Self.today).isEmpty)
        referral.consentSignedName = "Someone"
        let problems = referral.normalized().problems(today: Self.today)
        #expect(problems.map(\.field) == ["consent_signed_name"] && problems.first?.key == "error_handoff_consent_tick")
    }

    @Test(
        "discharge dates, contact details and notes",
        arguments: [
            ("discharge_date", "2026-02-01", "error_handoff_discharge_past"),
            ("discharge_date", "2027-03-11", "error_handoff_discharge_far"),
            ("discharge_date", "14/03/2026", "error_date_invalid"), ("phone", "call me", "error_phone_invalid"),
            ("email", "sam@", "error_email_invalid"), ("notes", "bad\u{7}", "error_text_invalid"),
            ("notes", "2001 characters", "error_text_too_long"),
            ("language", "fr", "error_choose_one"),
        ])
    func invalid(field: String, value: String, key: String) {
        var referral = Self.referral()
        switch field {
        case "discharge_date": referral.dischargeDate = value
        case "phone": referral.phone = value
        case "email": referral.email = value
        case "language": referral.language = value
        default: referral.notes = value == "2001 characters" ? String(repeating: "x", count: 2001) : value
        }
        let problems = referral.normalized().problems(today: Self.today)
        #expect(problems.map(\.field) == [field])
        #expect(problems.first?.key == key)
    }

    @Test("an overdue aftercare contact puts an open engagement on the outreach list until an attempt")
    func outreach() {
        let zone = TimeZone(identifier: "America/New_York")!
        let now = Date(timeIntervalSince1970: 1_773_150_000)  // 2026-03-10 in New York
        let today = CalendarDate(now, in: zone)
        var facts = OutreachFacts(
            status: .active, startDate: today, lastContact: now, aftercareDueOn: today.adding(days: -1))
        let policy = OutreachPolicy(noContactDays: 0)
        #expect(
            OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone) == [.aftercareOverdue])
        facts.aftercareDueOn = today
        #expect(OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone).isEmpty)
        facts.aftercareDueOn = today.adding(days: -1)
        facts.lastAttempt = now.addingTimeInterval(-3600)
        #expect(OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone).isEmpty)
        facts.lastAttempt = nil
        facts.status = .completed
        #expect(OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone).isEmpty)
    }
}
