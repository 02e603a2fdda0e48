import Fluent
import Foundation
import TandemKit

/// A consent a person signed to share parts of their record, until it expires or they
/// revoke it. Never changed after signing except to record the revocation.
final class ConsentRecord: Model, @unchecked Sendable {
    static let schema = "consents"

    enum RecipientKind: String, Codable, Sendable, CaseIterable {
        /// A family member or partner who signs in to the organization.
        case account
        /// A partner organization outside (a treatment center, a court program).
        case organization
        /// A named person outside.
        case person
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Enum(key: "recipient_kind") var recipientKind: RecipientKind
    @OptionalField(key: "recipient_user_id") var recipientUserID: UUID?
    /// The recipient as named when signing (an account's display name, or the outside party).
    @Field(key: "recipient_name") var recipientName: String
    /// `,milestones,check_ins,`
    @Field(key: "categories") var categoriesText: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "purpose_note") var purposeNote: String
    /// YYYY-MM-DD, the last day in force; empty when it ends with the engagement.
    @Field(key: "expires_on") var expiresOn: String
    @OptionalField(key: "engagement_id") var engagementID: UUID?
    @Field(key: "signed_name") var signedName: String
    @Field(key: "signed_at") var signedAt: Date
    /// Who entered it: the person, or their coach with the person signing on the coach's screen.
    @Field(key: "entered_by") var enteredBy: UUID
    @Field(key: "in_person") var inPerson: Bool
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoked_by") var revokedBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var categories: [ConsentCategory] {
        ValueList.parse(ValueList.split(categoriesText), as: ConsentCategory.self).values
    }

    var consentPurpose: ConsentPurpose { ConsentPurpose(rawValue: purpose) ?? .other }

    var recipient: ConsentRecipient {
        switch recipientKind {
        case .account: .account(recipientUserID ?? UUID())
        case .organization: .organization(recipientName)
        case .person: .person(recipientName)
        }
    }

    /// How the consent stands today: "in_force", or the reason it no longer allows anything
    /// (a `ConsentDecision.Refusal`).
    func state(endedEngagements: Set<UUID>, today: CalendarDate, now: Date = Date()) -> String {
        switch ConsentRules.decide(
            [terms(endedEngagements: endedEngagements)], recipient: recipient,
            category: categories.first ?? .plan, purpose: nil, now: now, today: today)
        {
        case .allowed: return "in_force"
        case .refused(let reason): return reason.rawValue
        }
    }

    /// The consent as the rules see it; `endedEngagements` holds the person's engagements
    /// that are completed or closed.
    func terms(endedEngagements: Set<UUID>) -> ConsentTerms {
        let expiry: ConsentExpiry =
            CalendarDate(expiresOn).map { .day($0) } ?? .engagementEnd
        return ConsentTerms(
            id: id!, recipient: recipient, categories: Set(categories), purpose: consentPurpose, expiry: expiry,
            signedAt: signedAt, revokedAt: revokedAt,
            engagementEnded: engagementID.map { endedEngagements.contains($0) } ?? expiresOn.isEmpty)
    }
}

/// One disclosure of a person's records under a consent: a view by a family member or
/// partner, or an export to an outside party.
final class Disclosure: Model, @unchecked Sendable {
    static let schema = "disclosures"

    enum Kind: String, Codable, Sendable {
        case view, export
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @OptionalField(key: "consent_id") var consentID: UUID?
    @Enum(key: "kind") var kind: Kind
    @Field(key: "recipient_name") var recipientName: String
    @OptionalField(key: "recipient_user_id") var recipientUserID: UUID?
    /// Who made an export; nil for a recipient's own view.
    @OptionalField(key: "disclosed_by") var disclosedBy: UUID?
    @Field(key: "categories") var categoriesText: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(consent: ConsentRecord, kind: Kind, categories: [ConsentCategory], by: UUID?, at: Date) {
        self.organizationID = consent.organizationID
        self.participantID = consent.participantID
        self.consentID = consent.id
        self.kind = kind
        self.recipientName = consent.recipientName
        self.recipientUserID = consent.recipientUserID
        self.disclosedBy = by
        self.categoriesText = "," + categories.map(\.rawValue).joined(separator: ",") + ","
        self.purpose = consent.purpose
        self.createdAt = at
    }

    var categories: [ConsentCategory] {
        ValueList.parse(ValueList.split(categoriesText), as: ConsentCategory.self).values
    }
}
