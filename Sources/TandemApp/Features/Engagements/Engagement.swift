import Fluent
import Foundation
import SQLKit
import TandemKit

/// One kind of support a participant receives: its service type, where it stands, how it
/// came about and who pays. Its coaches are in `EngagementCoach`.
final class Engagement: Model, @unchecked Sendable {
    static let schema = "engagements"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "participant_id") var participant: Participant
    @Enum(key: "service_type") var serviceType: ServiceType
    @Enum(key: "status") var status: EngagementStatus
    @OptionalEnum(key: "close_reason") var closeReason: CloseReason?
    @Enum(key: "referral_source") var referralSource: ReferralSource
    @Enum(key: "funding") var funding: Funding
    @Field(key: "start_date") var startDate: String
    @Field(key: "end_date") var endDate: String
    @Field(key: "last_contact_at") var lastContactAt: Date?
    @Children(for: \.$engagement) var coaches: [EngagementCoach]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// A coach on an engagement; exactly one of an engagement's coaches is primary.
final class EngagementCoach: Model, @unchecked Sendable {
    static let schema = "engagement_coaches"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "engagement_id") var engagement: Engagement
    @Parent(key: "coach_id") var coach: User
    @Field(key: "is_primary") var isPrimary: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(organizationID: UUID, engagementID: UUID, coachID: UUID, isPrimary: Bool) {
        self.organizationID = organizationID
        self.$engagement.id = engagementID
        self.$coach.id = coachID
        self.isPrimary = isPrimary
    }
}

extension Engagement: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $organizationID.output(from: output)
        try $participant.output(from: output)
        try $serviceType.output(from: output)
        try $status.output(from: output)
        try $closeReason.output(from: output)
        try $referralSource.output(from: output)
        try $funding.output(from: output)
        try $startDate.output(from: output)
        try $endDate.output(from: output)
        try $lastContactAt.output(from: output)
        try $coaches.output(from: output)
        try $createdAt.output(from: output)
        try $updatedAt.output(from: output)
    }
}

extension TenantScope {
    /// A participant's engagements, oldest first, by plain SQL (every view of a record reads them).
    func engagements(of participantID: UUID) async throws -> [Engagement] {
        guard let sql = db as? any SQLDatabase else {
            return try await engagements().filter(\.$participant.$id == participantID).sort(\.$createdAt).all()
        }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Engagement.selection) FROM engagements e \
            WHERE e.organization_id = \(bind: organizationID) AND e.participant_id = \(bind: participantID) \
            ORDER BY e.created_at
            """
        ).all()
        return try rows.map { try Engagement.load(from: $0, prefix: "e_") }
    }
}

extension Engagement {
    fileprivate static let selection = columns(as: "e").joined(separator: ", ")
}
