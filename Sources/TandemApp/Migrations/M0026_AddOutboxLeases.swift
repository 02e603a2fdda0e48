import Fluent

/// The outbox's claims become leases (who holds a message and since when), so a second
/// process never takes over a message another is still sending; and a message may expire
/// (a reminder after its appointment, a link after it stops working) instead of going late.
struct M0026_AddOutboxLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema("email_outbox").field("claim_token", .string).update()
        try await database.schema("email_outbox").field("claimed_at", .datetime).update()
        try await database.schema("email_outbox").field("expires_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["expires_at", "claimed_at", "claim_token"] {
            try await database.schema("email_outbox").deleteField(.string(column)).update()
        }
    }
}
