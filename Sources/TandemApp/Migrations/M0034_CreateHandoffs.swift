import Fluent

/// Hand-offs from treatment centers: the referral a partner's liaison sends before a
/// person's discharge, and once accepted the contacts planned for them (an introduction
/// call, then the aftercare template). The template lives with the outreach rules.
struct M0034_CreateHandoffs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("handoffs")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("partner_user_id", .uuid, .required, .references("users", "id"))
            .field("treatment_center", .string, .required)
            .field("preferred_name", .string, .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("language", .string, .required)
            .field("discharge_on", .string, .required)
            .field("service_type", .string, .required)
            .field("notes", .string, .required)
            .field("status_consent", .bool, .required)
            .field("consent_signed_name", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("decline_reason", .string, .required)
            .field("participant_id", .uuid, .references("participants", "id", onDelete: .setNull))
            .field("engagement_id", .uuid)
            .field("appointment_id", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex(
            "handoffs_partner", on: "handoffs", "organization_id", "partner_user_id", "created_at")
        try await database.createIndex("handoffs_status", on: "handoffs", "organization_id", "status", "created_at")
        try await database.schema("handoff_contacts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("handoff_id", .uuid, .required, .references("handoffs", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("sequence", .int, .required)
            .field("opens_on", .string, .required)
            .field("due_on", .string, .required)
            .field("completed_at", .datetime)
            .unique(on: "handoff_id", "sequence")
            .create()
        // The caseload and the outreach list seek a person's earliest contact still to make.
        try await database.createIndex(
            "handoff_contacts_open", on: "handoff_contacts", "participant_id", "completed_at", "due_on")
        try await database.schema("outreach_settings")
            .field(
                "aftercare_days", .string, .required, .sql(.default("1, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84"))
            )
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outreach_settings").deleteField("aftercare_days").update()
        try await database.dropIndex("handoff_contacts_open")
        try await database.schema("handoff_contacts").delete()
        try await database.dropIndex("handoffs_status")
        try await database.dropIndex("handoffs_partner")
        try await database.schema("handoffs").delete()
    }
}
