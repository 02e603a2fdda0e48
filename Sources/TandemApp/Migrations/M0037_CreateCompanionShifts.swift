import Fluent

/// Sober companion assignments: the coverage plan of a companion engagement, its shifts, and
/// the shift log (one entry per client key, as for trips).
struct M0037_CreateCompanionShifts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("coverage_plans")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("pattern", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("weekdays", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "engagement_id")
            .create()
        try await database.schema("companion_shifts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("companion_id", .uuid, .required, .references("users", "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("handover_note", .string, .required)
            .field("handed_over_at", .datetime)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex(
            "companion_shifts_engagement", on: "companion_shifts", "engagement_id", "starts_at")
        try await database.createIndex(
            "companion_shifts_companion", on: "companion_shifts", "companion_id", "starts_at")
        try await database.schema("shift_log")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("shift_id", .uuid, .required, .references("companion_shifts", "id", onDelete: .cascade))
            .field("category", .string, .required)
            .field("severity", .string, .required)
            .field("note", .string, .required)
            .field("author_id", .uuid, .required)
            .field("author_name", .string, .required)
            .field("client_key", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "shift_id", "client_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("shift_log").delete()
        try await database.dropIndex("companion_shifts_companion")
        try await database.dropIndex("companion_shifts_engagement")
        try await database.schema("companion_shifts").delete()
        try await database.schema("coverage_plans").delete()
    }
}
