import Fluent

struct M0010_AddAuditClientAddress: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events").field("client_address", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").deleteField("client_address").update()
    }
}
