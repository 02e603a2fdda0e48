import Fluent

/// A meeting source an admin removed: its meetings and the "my meetings" that pointed at them
/// are gone, but the row stays, because participants' logged attendance names it.
struct M0050_AddMeetingSourceRemoval: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("meeting_sources").field("removed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("meeting_sources").deleteField("removed_at").update()
    }
}
