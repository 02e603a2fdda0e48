import Fluent

/// Meeting sources (a Meeting Guide feed by URL or file, imported under a name) and their
/// meetings, replaced together on each import. Days are a bit mask (bit 0 = Sunday) so a
/// day filter is one comparison; every record's own JSON is kept beside the columns.
struct M0027_CreateMeetings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("meeting_sources")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("url", .string, .required)
            .field("content_hash", .string, .required)
            .field("meeting_count", .int, .required)
            .field("skipped_count", .int, .required)
            .field("report", .string, .required)
            .field("imported_at", .datetime)
            .field("checked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "organization_id", "name")
            .create()
        try await database.schema("meetings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("source_id", .uuid, .required, .references("meeting_sources", "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("day_mask", .int, .required)
            .field("start_minute", .int)
            .field("end_minute", .int)
            .field("time_zone", .string, .required)
            .field("types", .string, .required)
            .field("attendance", .string, .required)
            .field("location", .string, .required)
            .field("formatted_address", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("approximate", .bool, .required)
            .field("region", .string, .required)
            .field("conference_url", .string, .required)
            .field("conference_phone", .string, .required)
            .field("notes", .string, .required)
            .field("group_name", .string, .required)
            .field("updated", .string, .required)
            .field("url", .string, .required)
            .field("raw", .string, .required)
            .field("search_text", .string, .required)
            .unique(on: "source_id", "slug")
            .create()
        try await database.createIndex("meetings_org_start", on: "meetings", "organization_id", "start_minute")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("meetings_org_start")
        try await database.schema("meetings").delete()
        try await database.schema("meeting_sources").delete()
    }
}
