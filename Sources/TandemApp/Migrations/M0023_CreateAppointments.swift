import Fluent

/// Appointments between a coach and a participant, and the private calendar feeds that
/// publish them (found by the SHA-256 of their secret, like every other bearer secret).
struct M0023_CreateAppointments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("appointments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("coach_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("mode", .string, .required)
            .field("place", .string, .required)
            .field("video_link", .string, .required)
            .field("status", .string, .required)
            .field("reason", .string, .required)
            .field("changes", .int, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.createIndex(
            "appointments_coach", on: "appointments", "organization_id", "coach_id", "starts_at")
        try await database.createIndex("appointments_participant", on: "appointments", "participant_id", "starts_at")
        try await database.schema("calendar_feeds")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .references("participants", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("detail", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .unique(on: "organization_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_feeds").delete()
        try await database.dropIndex("appointments_participant")
        try await database.dropIndex("appointments_coach")
        try await database.schema("appointments").delete()
    }
}
