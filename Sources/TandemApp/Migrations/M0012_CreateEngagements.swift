import Fluent

struct M0012_CreateEngagements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("engagements")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("service_type", .string, .required)
            .field("status", .string, .required)
            .field("close_reason", .string)
            .field("referral_source", .string, .required)
            .field("funding", .string, .required)
            .field("start_date", .string, .required)
            .field("end_date", .string, .required)
            .field("last_contact_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.createIndex("engagements_participant", on: "engagements", "participant_id")

        try await database.schema("engagement_coaches")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("coach_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("is_primary", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "engagement_id", "coach_id")
            .create()
        try await database.createIndex(
            "engagement_coaches_coach", on: "engagement_coaches", "coach_id", "organization_id")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("engagement_coaches").delete()
        try await database.schema("engagements").delete()
    }
}
