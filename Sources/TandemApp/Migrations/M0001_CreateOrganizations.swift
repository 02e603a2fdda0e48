import Fluent

struct M0001_CreateOrganizations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("organizations")
            .id()
            .field("name", .string, .required)
            .field("crisis_line", .string, .required)
            .field("crisis_text", .string)
            .field("require_staff_two_factor", .bool, .required)
            .field("time_zone", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organizations").delete()
    }
}
