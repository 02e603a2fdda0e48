import Fluent

/// Secure messages, one thread per engagement; how far each member of a thread has read; and
/// how long each organization keeps messages.
struct M0033_CreateMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("messages")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("sender_id", .uuid, .required)
            .field("sender_name", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex("messages_thread", on: "messages", "engagement_id", "created_at")
        try await database.createIndex("messages_age", on: "messages", "organization_id", "created_at")
        try await database.schema("message_reads")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required)
            .field("read_at", .datetime, .required)
            .unique(on: "engagement_id", "user_id")
            .create()
        try await database.schema("message_settings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("retention_days", .int, .required)
            .unique(on: "organization_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("message_settings").delete()
        try await database.schema("message_reads").delete()
        try await database.dropIndex("messages_age")
        try await database.dropIndex("messages_thread")
        try await database.schema("messages").delete()
    }
}
