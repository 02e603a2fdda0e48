import Fluent

/// Sign-ups to an online program waiting for their address to be confirmed: the name, address
/// and language given on the public form, kept until the link mailed to them is used (or
/// lapses). Only the link's hash is stored; the password is chosen on the link's page.
struct M0047_CreateProgramSignUps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("program_sign_ups")
            .id()
            .field("token_hash", .string, .required)
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("program_id", .uuid, .required, .references("programs", "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("language", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.createIndex("program_sign_ups_expiry", on: "program_sign_ups", "expires_at")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("program_sign_ups").delete()
    }
}
