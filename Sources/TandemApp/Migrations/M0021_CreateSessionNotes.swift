import Fluent

/// Session notes: the contact itself, who it was with (one row per person, so a group
/// session appears in each person's record and bills per person), and signed addenda. The
/// organization decides whether signed notes wait for a supervisor's review.
struct M0021_CreateSessionNotes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("session_notes")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("local_date", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("minutes", .int)
            .field("mode", .string, .required)
            .field("place", .string, .required)
            .field("goals", .string, .required)
            .field("done", .string, .required)
            .field("response", .string, .required)
            .field("next_steps", .string, .required)
            .field("status", .string, .required)
            .field("signed_name", .string)
            .field("signed_at", .datetime)
            .field("review", .string, .required)
            .field("review_comment", .string, .required)
            .field("reviewed_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("reviewed_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.createIndex("session_notes_review", on: "session_notes", "organization_id", "review")
        try await database.schema("session_note_participants")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("note_id", .uuid, .required, .references("session_notes", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .unique(on: "note_id", "participant_id")
            .create()
        try await database.createIndex(
            "session_note_participants_participant", on: "session_note_participants", "participant_id")
        try await database.schema("session_note_addenda")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("note_id", .uuid, .required, .references("session_notes", "id", onDelete: .cascade))
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("text", .string, .required)
            .field("signed_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.createIndex("session_note_addenda_note", on: "session_note_addenda", "note_id")
        try await database.schema("organizations")
            .field("notes_need_review", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organizations").deleteField("notes_need_review").update()
        try await database.schema("session_note_addenda").delete()
        try await database.schema("session_note_participants").delete()
        try await database.schema("session_notes").delete()
    }
}
