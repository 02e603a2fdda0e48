import Fluent

/// Meetings, continued: a source is a feed (refreshed every `refresh_hours`, 0 = by hand) or
/// the meetings the organization runs itself (`kind` = own, published as its feed); the
/// meetings a person keeps as "my meetings" and the ones a participant went to. A meeting is
/// named by its source and slug there, which stay the same when a feed is imported again.
struct M0029_AddMeetingFollowUps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("meeting_sources").field("kind", .string, .required, .sql(.default("feed")))
            .update()
        try await database.schema("meeting_sources").field("refresh_hours", .int, .required, .sql(.default(0)))
            .update()
        try await database.schema("saved_meetings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("source_id", .uuid, .required, .references("meeting_sources", "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "source_id", "slug")
            .create()
        try await database.schema("meeting_attendance")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("source_id", .uuid, .required, .references("meeting_sources", "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("online", .bool, .required)
            .field("local_date", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "participant_id", "source_id", "slug", "local_date")
            .create()
        try await database.createIndex("meetings_source", on: "meetings", "source_id", "slug")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("meetings_source")
        try await database.schema("meeting_attendance").delete()
        try await database.schema("saved_meetings").delete()
        try await database.schema("meeting_sources").deleteField("refresh_hours").update()
        try await database.schema("meeting_sources").deleteField("kind").update()
    }
}
