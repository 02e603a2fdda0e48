import Fluent

/// Crisis alerts: raised when a person writes a crisis phrase or asks for help now, kept
/// until a coach or supervisor acknowledges them. One alert per source (a check-in, a
/// message), so changing the same check-in does not raise it twice.
struct M0032_CreateSafetyAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("safety_alerts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("source", .string, .required)
            .field("source_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("acknowledged_by", .uuid)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_name", .string, .required)
            .field("note", .string, .required)
            .unique(on: "source_key")
            .create()
        try await database.createIndex(
            "safety_alerts_open", on: "safety_alerts", "organization_id", "acknowledged_at", "created_at")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("safety_alerts_open")
        try await database.schema("safety_alerts").delete()
    }
}
