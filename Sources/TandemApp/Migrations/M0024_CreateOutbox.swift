import Fluent

/// The e-mail outbox (messages wait here until the mail server has accepted them, across
/// restarts) and each person's reminder choices.
struct M0024_CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("email_outbox")
            .id()
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .cascade))
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("kind", .string, .required)
            .field("dedupe_key", .string)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string, .required)
            .field("created_at", .datetime)
            .field("sent_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        try await database.createIndex("email_outbox_due", on: "email_outbox", "status", "next_attempt_at")
        try await database.schema("reminder_preferences")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("appointments", .bool, .required)
            .field("check_in", .bool, .required)
            .field("check_in_time", .string, .required)
            .field("recovery_capital", .bool, .required)
            .unique(on: "organization_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reminder_preferences").delete()
        try await database.dropIndex("email_outbox_due")
        try await database.schema("email_outbox").delete()
    }
}
