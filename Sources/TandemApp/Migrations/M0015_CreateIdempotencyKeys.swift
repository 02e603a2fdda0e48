import Fluent

struct M0015_CreateIdempotencyKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("operation", .string, .required)
            .field("request_hash", .string, .required)
            .field("response_status", .int, .required)
            .field("response_body", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
    }
}
