import Fluent
import Foundation

/// A person's request that something in their record be corrected, followed until a coach
/// answers it.
final class CorrectionRequest: Model, @unchecked Sendable {
    static let schema = "correction_requests"

    enum Status: String, Codable, Sendable, CaseIterable {
        case open, corrected, declined
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    /// Which part of the record: a `CorrectionRequest.sections` code.
    @Field(key: "section") var section: String
    @Field(key: "text") var text: String
    @Enum(key: "status") var status: Status
    @Field(key: "response") var response: String
    @Field(key: "created_by") var createdBy: UUID
    @OptionalField(key: "answered_by") var answeredBy: UUID?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// The parts of a record a request can name.
    static let sections = [
        "profile", "engagements", "plan", "check_ins", "recovery_capital", "session_notes", "appointments",
        "referrals", "other",
    ]
    static let textLimit = 2000
}

/// A family member's wellbeing check-in for one local day; sending again that day changes it.
final class FamilyCheckIn: Model, @unchecked Sendable {
    static let schema = "family_check_ins"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "local_date") var localDate: String
    @Field(key: "stress") var stress: Int
    @Field(key: "sleep") var sleep: Int
    @Field(key: "self_care") var selfCare: Int
    @Field(key: "hope") var hope: Int
    @Field(key: "note") var note: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
