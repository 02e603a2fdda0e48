import Fluent

/// Audit entries name the participant whose data was touched, so a person can see who
/// looked at their record; an invitation may be for a participant record.
struct M0014_LinkAuditAndInvitationsToParticipants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events").field("participant_id", .uuid).update()
        try await database.createIndex("audit_participant", on: "audit_events", "participant_id", "sequence")
        try await database.createIndex("audit_org_sequence", on: "audit_events", "organization_id", "sequence")
        try await database.schema("one_time_links")
            .field("participant_id", .uuid, .references("participants", "id", onDelete: .cascade)).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("one_time_links").deleteField("participant_id").update()
        try await database.dropIndex("audit_org_sequence")
        try await database.dropIndex("audit_participant")
        try await database.schema("audit_events").deleteField("participant_id").update()
    }
}
