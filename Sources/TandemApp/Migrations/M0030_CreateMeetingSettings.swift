import Fluent

/// Whether an organization's meeting finder is open to the public as well.
struct M0030_CreateMeetingSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("meeting_settings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("public_finder", .bool, .required)
            .unique(on: "organization_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("meeting_settings").delete()
    }
}
