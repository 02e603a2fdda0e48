import Fluent
import Foundation
import TandemKit

/// The demo's hand-off waiting for a decision and its online programs, so the partner's and
/// the admin's pages and the public program pages have something to show.
enum DemoOutreach {
    static func populate(organization: Organization, users: [String: User], on db: any Database) async throws {
        let now = Date()
        if let liaison = users["partner@demo.tandem.test"] {
            let discharge = ParticipantService.day(now, in: organization).adding(days: 4)
            let referral = HandoffReferral(
                preferredName: "Marcus Bell", phone: "555-0188", language: "en",
                dischargeDate: discharge?.description ?? "", serviceType: ServiceType.virtualCoaching.rawValue,
                notes: "Leaves residential treatment on Friday. Prefers calls after 6 pm; loves basketball.",
                treatmentCenter: "Lakeside Treatment Center", statusConsent: true, consentSignedName: "Marcus Bell")
            try await Handoff(
                organizationID: organization.id!, partnerUserID: liaison.id!, referral: referral,
                at: now.addingTimeInterval(-3_600)
            ).create(on: db)
        }
        let programs = [
            ProgramDraft(
                title: "Fresh Start", summary: "Twelve weeks to build your recovery plan, at your own pace",
                description:
                    "Write what matters to you, set small goals, and see your recovery capital grow. "
                    + "A coach can call you if you want one.",
                terms: ProgramDefaults.terms, price: "", published: true),
            ProgramDraft(
                title: "Guided Twelve", summary: "Weekly calls with a recovery coach for twelve weeks",
                description: "A coach by phone or video every week, with your plan and check-ins between calls.",
                terms: ProgramDefaults.terms
                    + "\n\nThe fee is $240, invoiced by the organization; ask about sponsored places.",
                price: "240", published: true),
        ]
        for draft in programs {
            let program = Program(organizationID: organization.id!, at: now)
            program.apply(draft, at: now)
            try await program.create(on: db)
        }
    }
}
