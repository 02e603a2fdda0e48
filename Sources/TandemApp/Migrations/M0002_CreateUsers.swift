import Fluent

struct M0002_CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("language", .string, .required)
            .field("totp_secret", .string)
            .field("totp_pending_secret", .string)
            .field("totp_last_counter", .int64)
            .field("password_changed_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
