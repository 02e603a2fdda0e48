import Fluent

/// A participant's own time zone; empty means their organization's.
struct M0017_AddParticipantTimeZone: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("participants").field("time_zone", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("participants").deleteField("time_zone").update()
    }
}
