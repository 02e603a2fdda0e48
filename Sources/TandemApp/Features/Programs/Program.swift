import Fluent
import Foundation
import TandemKit

/// An online program an organization offers to anyone: its public page, its terms and price.
final class Program: Model, @unchecked Sendable {
    static let schema = "programs"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "description") var description: String
    @Field(key: "terms") var terms: String
    /// 0 for a free program.
    @Field(key: "price_cents") var priceCents: Int
    /// Only a published program has a public page and takes enrollments.
    @Field(key: "published") var published: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(organizationID: UUID, at: Date) {
        self.organizationID = organizationID
        self.title = ""
        self.summary = ""
        self.description = ""
        self.terms = ""
        self.priceCents = 0
        self.published = false
        self.createdAt = at
        self.updatedAt = at
    }

    func apply(_ draft: ProgramDraft, at: Date) {
        title = draft.title
        summary = draft.summary
        description = draft.description
        terms = draft.terms
        priceCents = draft.priceCents ?? 0
        published = draft.published
        updatedAt = at
    }

    var draft: ProgramDraft {
        ProgramDraft(
            title: title, summary: summary, description: description, terms: terms,
            price: Money.text(priceCents), published: published)
    }
}

/// A person's place in a program: they accepted its terms (the price as it was then), and
/// may have asked for a coach.
final class ProgramEnrollment: Model, @unchecked Sendable {
    static let schema = "program_enrollments"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "program_id") var programID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "terms_accepted_at") var termsAcceptedAt: Date
    @Field(key: "price_cents") var priceCents: Int
    @Enum(key: "payment") var payment: ProgramPayment
    @Field(key: "payment_note") var paymentNote: String
    @OptionalField(key: "payment_recorded_by") var paymentRecordedBy: UUID?
    @OptionalField(key: "payment_recorded_at") var paymentRecordedAt: Date?
    @OptionalField(key: "coach_requested_at") var coachRequestedAt: Date?
    @OptionalField(key: "engagement_id") var engagementID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(program: Program, participantID: UUID, at: Date) {
        self.organizationID = program.organizationID
        self.programID = program.id!
        self.participantID = participantID
        self.termsAcceptedAt = at
        self.priceCents = program.priceCents
        self.payment = program.priceCents == 0 ? .free : .due
        self.paymentNote = ""
        self.createdAt = at
    }
}
