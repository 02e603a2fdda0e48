import Fluent

struct M0004_CreateOneTimeLinks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("one_time_links")
            .id()
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("created_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("email", .string)
            .field("role", .string)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("one_time_links").delete()
    }
}
