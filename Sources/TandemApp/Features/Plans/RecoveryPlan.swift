import Fluent
import Foundation
import TandemKit

/// One saved version of a participant's recovery plan. A save never changes a version; it
/// adds the next one, so every change is kept and any version reads as it was agreed.
final class RecoveryPlanVersion: Model, @unchecked Sendable {
    static let schema = "recovery_plan_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "participant_id") var participant: Participant
    @Field(key: "number") var number: Int
    /// `PlanDocument.encoded()`.
    @Field(key: "content") var content: String
    /// Kept beside the content so the caseload counts goals without reading plans.
    @Field(key: "goals_done") var goalsDone: Int
    @Field(key: "goals_total") var goalsTotal: Int
    @OptionalField(key: "edited_by") var editedBy: UUID?
    /// "participant" or "coach".
    @Field(key: "editor_role") var editorRole: String
    @Field(key: "editor_name") var editorName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID, number: Int, document: PlanDocument) {
        self.organizationID = organizationID
        self.$participant.id = participantID
        self.number = number
        self.content = document.encoded()
        let counts = document.goalCounts
        self.goalsDone = counts.done
        self.goalsTotal = counts.total
    }

    var document: PlanDocument { PlanDocument.decode(content) }
}

/// A typed-name signature agreeing one version, by the participant or their coach.
final class RecoveryPlanSignature: Model, @unchecked Sendable {
    static let schema = "recovery_plan_signatures"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "version_id") var version: RecoveryPlanVersion
    /// "participant" or "coach".
    @Field(key: "signer") var signer: String
    @Field(key: "typed_name") var typedName: String
    @OptionalField(key: "user_id") var userID: UUID?
    /// The participant signed in person on the coach's screen.
    @Field(key: "in_person") var inPerson: Bool
    @Field(key: "signed_at") var signedAt: Date

    init() {}
}
