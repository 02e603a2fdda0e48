import Fluent

/// An index of hand-offs by the person they became. A person's page links the hand-off that
/// brought them (for staff); without it, every view read all of the organization's hand-offs,
/// which grow by every referral a treatment center ever sent.
struct M0046_IndexHandoffsByParticipant: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.createIndex("handoffs_participant", on: "handoffs", "participant_id")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("handoffs_participant")
    }
}
