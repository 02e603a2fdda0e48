import Fluent
import Foundation
import TandemKit

/// A person referred by a treatment center's liaison before discharge. Until the
/// organization accepts it, the referral is all there is of the person here; once
/// accepted it points to the participant, their engagement and the introduction call.
final class Handoff: Model, @unchecked Sendable {
    static let schema = "handoffs"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// The liaison who sent it; they see it, and its status only with the person's consent.
    @Field(key: "partner_user_id") var partnerUserID: UUID
    @Field(key: "treatment_center") var treatmentCenter: String
    @Field(key: "preferred_name") var preferredName: String
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "language") var language: String
    /// YYYY-MM-DD.
    @Field(key: "discharge_on") var dischargeOn: String
    @Field(key: "service_type") var serviceType: String
    @Field(key: "notes") var notes: String
    /// The person agreed, at the treatment center, that the liaison sees how it goes.
    @Field(key: "status_consent") var statusConsent: Bool
    @Field(key: "consent_signed_name") var consentSignedName: String
    @Enum(key: "status") var status: HandoffStatus
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// When the liaison took the referral back: with the status `withdrawn` while it waited,
    /// or beside a decision they could not see (which stands; see `HandoffService.withdraw`).
    @OptionalField(key: "partner_withdrew_at") var partnerWithdrewAt: Date?
    @Field(key: "decline_reason") var declineReason: String
    @OptionalField(key: "participant_id") var participantID: UUID?
    @OptionalField(key: "engagement_id") var engagementID: UUID?
    @OptionalField(key: "appointment_id") var appointmentID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(organizationID: UUID, partnerUserID: UUID, referral: HandoffReferral, at: Date) {
        self.organizationID = organizationID
        self.partnerUserID = partnerUserID
        self.treatmentCenter = referral.treatmentCenter
        self.preferredName = referral.preferredName
        self.phone = referral.phone
        self.email = referral.email
        self.language = referral.language
        self.dischargeOn = referral.dischargeDate
        self.serviceType = referral.serviceType
        self.notes = referral.notes
        self.statusConsent = referral.statusConsent
        self.consentSignedName = referral.consentSignedName
        self.status = .referred
        self.declineReason = ""
        self.createdAt = at
    }
}

/// One contact planned for a person after their hand-off, and when it was made.
final class HandoffContact: Model, @unchecked Sendable {
    static let schema = "handoff_contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "handoff_id") var handoffID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "sequence") var sequence: Int
    @Field(key: "opens_on") var opensOn: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "completed_at") var completedAt: Date?

    init() {}

    init(handoff: Handoff, participantID: UUID, planned: AftercarePlan.Contact) {
        self.organizationID = handoff.organizationID
        self.handoffID = handoff.id!
        self.participantID = participantID
        self.kind = planned.kind.rawValue
        self.sequence = planned.sequence
        self.opensOn = planned.opensOn.description
        self.dueOn = planned.dueOn.description
    }

    func timing(today: CalendarDate, in zone: TimeZone) -> AftercarePlan.Timing {
        AftercarePlan.timing(
            opensOn: CalendarDate(opensOn) ?? today, dueOn: CalendarDate(dueOn) ?? today,
            completedOn: completedAt.map { CalendarDate($0, in: zone) }, today: today)
    }
}
