import Fluent

struct M0013_CreateAgreements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agreement_versions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("text", .string, .required)
            .field("created_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .unique(on: "organization_id", "version")
            .create()

        try await database.schema("agreement_signatures")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field(
                "agreement_version_id", .uuid, .required, .references("agreement_versions", "id", onDelete: .restrict)
            )
            .field("version", .int, .required)
            .field("signer", .string, .required)
            .field("signer_key", .string, .required)
            .field("signer_user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("recorded_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("typed_name", .string, .required)
            .field("signed_at", .datetime, .required)
            .unique(on: "engagement_id", "agreement_version_id", "signer_key")
            .create()
        try await database.createIndex("signatures_engagement", on: "agreement_signatures", "engagement_id")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agreement_signatures").delete()
        try await database.schema("agreement_versions").delete()
    }
}
