import Fluent

/// How an organization bills peer support (unit rule, daily cap, modifiers) and each
/// provider's credential, kept apart from the organization and membership rows that every
/// request reads. Notes are found by day for the billing export.
struct M0022_CreateBillingSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("billing_settings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("unit_rule", .string, .required)
            .field("daily_cap", .int)
            .field("group_modifier", .string, .required)
            .field("medicaid_modifiers", .string, .required)
            .field("grant_modifiers", .string, .required)
            .field("private_pay_modifiers", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "organization_id")
            .create()
        try await database.schema("provider_credentials")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("credential", .string, .required)
            .unique(on: "organization_id", "user_id")
            .create()
        try await database.createIndex("session_notes_day", on: "session_notes", "organization_id", "local_date")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("session_notes_day")
        try await database.schema("provider_credentials").delete()
        try await database.schema("billing_settings").delete()
    }
}
