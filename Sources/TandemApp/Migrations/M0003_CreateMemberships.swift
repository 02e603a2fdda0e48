import Fluent

struct M0003_CreateMemberships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("memberships")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "organization_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("memberships").delete()
    }
}
