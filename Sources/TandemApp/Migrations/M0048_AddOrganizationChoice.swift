import Fluent

/// For a person in several organizations: when they last chose to work in each (a new session
/// starts in the latest), and the organization an API token acts in (tokens made before this
/// act in the person's first, as they did). The token's column has no foreign key: SQLite
/// cannot add one to an existing table, and a token whose organization is gone finds no
/// membership and is refused, as one whose person left it.
struct M0048_AddOrganizationChoice: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("memberships").field("chosen_at", .datetime).update()
        try await database.schema("api_tokens").field("organization_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").deleteField("organization_id").update()
        try await database.schema("memberships").deleteField("chosen_at").update()
    }
}
