import Fluent

struct M0009_CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("sequence", .int64, .required)
            .field("occurred_at", .datetime, .required)
            .field("organization_id", .uuid)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("subject_type", .string)
            .field("subject_id", .uuid)
            .field("outcome", .string, .required)
            .field("request_id", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
