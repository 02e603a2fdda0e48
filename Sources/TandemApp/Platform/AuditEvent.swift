import Fluent
import Foundation

/// One entry of the tamper-evident audit trail. Each entry's hash covers the one before,
/// so a changed or removed row breaks the chain.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int64
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "organization_id") var organizationID: UUID?
    @Field(key: "actor_id") var actorID: UUID?
    @Field(key: "action") var action: String
    @Field(key: "subject_type") var subjectType: String?
    @Field(key: "subject_id") var subjectID: UUID?
    @Field(key: "outcome") var outcome: String
    @Field(key: "request_id") var requestID: String?
    @Field(key: "client_address") var clientAddress: String?
    /// The participant whose data the action touched, so they can see who looked at their record.
    @Field(key: "participant_id") var participantID: UUID?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
