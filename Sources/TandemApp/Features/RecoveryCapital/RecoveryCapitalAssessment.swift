import Fluent
import Foundation
import TandemKit

/// One BARC-10 form: a draft while any answer is missing (at most one per person, picked up
/// where it was left), then scored on the day it was completed.
final class RecoveryCapitalAssessment: Model, @unchecked Sendable {
    static let schema = "recovery_capital_assessments"

    enum Status: String, Codable, Sendable {
        case draft, completed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "participant_id") var participant: Participant
    @Enum(key: "status") var status: Status
    /// `BARC10.encode` of the ten answers.
    @Field(key: "answers") var answers: String
    @OptionalField(key: "total") var total: Int?
    /// The participant's local date it was completed, `YYYY-MM-DD`; empty for a draft.
    @Field(key: "completed_on") var completedOn: String
    /// Filled in with the coach rather than by the participant alone.
    @Field(key: "with_coach") var withCoach: Bool
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    /// The form it was sent from (a key written into each form shown): the same form sent
    /// twice, by a double click or the back button, is one assessment, not two.
    @OptionalField(key: "form_key") var formKey: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID) {
        self.organizationID = organizationID
        self.$participant.id = participantID
        self.status = .draft
        self.answers = BARC10.encode(Array(repeating: nil, count: BARC10.itemCount))
        self.completedOn = ""
        self.withCoach = false
    }

    var answerList: [Int?] { BARC10.decode(answers) }
}
