import Fluent
import Foundation
import TandemKit

/// A referral of a person to a resource of the directory, followed until it closes.
final class Referral: Model, @unchecked Sendable {
    static let schema = "referrals"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    /// Nil once the resource is removed from the directory; `resourceName` stays.
    @OptionalField(key: "resource_id") var resourceID: UUID?
    @Field(key: "resource_name") var resourceName: String
    @Field(key: "created_by") var createdBy: UUID
    /// Made by the person themself rather than a coach.
    @Field(key: "by_participant") var byParticipant: Bool
    @Field(key: "reason") var reason: String
    @Field(key: "notes") var notes: String
    /// The person agreed to being referred.
    @Field(key: "agreed") var agreed: Bool
    @Enum(key: "status") var status: ReferralStatus
    /// A `ReferralOutcome` once closed, else empty.
    @Field(key: "outcome") var outcome: String
    /// YYYY-MM-DD when someone should check how it is going, or empty.
    @Field(key: "follow_up_on") var followUpOn: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID, resource: Resource, createdBy: UUID) {
        self.organizationID = organizationID
        self.participantID = participantID
        self.resourceID = resource.id
        self.resourceName = resource.name
        self.createdBy = createdBy
        self.byParticipant = false
        self.reason = ""
        self.notes = ""
        self.agreed = false
        self.status = .suggested
        self.outcome = ""
        self.followUpOn = ""
        self.closedAt = nil
    }
}

/// One step of a referral's history: made, moved on, follow-up changed.
final class ReferralStep: Model, @unchecked Sendable {
    static let schema = "referral_steps"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "referral_id") var referralID: UUID
    @Enum(key: "status") var status: ReferralStatus
    @Field(key: "outcome") var outcome: String
    @Field(key: "note") var note: String
    @Field(key: "follow_up_on") var followUpOn: String
    @Field(key: "by_user") var byUser: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ referral: Referral, note: String, by user: UUID, at: Date) {
        self.organizationID = referral.organizationID
        self.referralID = referral.id!
        self.status = referral.status
        self.outcome = referral.outcome
        self.note = note
        self.followUpOn = referral.followUpOn
        self.byUser = user
        self.createdAt = at
    }
}
