import Fluent

/// Recovery plans as numbered versions, each a whole copy of the plan, with the signatures
/// that agree a version; and each organization's list of life domains (empty: the default).
struct M0020_CreateRecoveryPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("recovery_plan_versions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("content", .string, .required)
            .field("goals_done", .int, .required)
            .field("goals_total", .int, .required)
            .field("edited_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("editor_role", .string, .required)
            .field("editor_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "participant_id", "number", name: "recovery_plan_versions_number")
            .create()
        try await database.schema("recovery_plan_signatures")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("version_id", .uuid, .required, .references("recovery_plan_versions", "id", onDelete: .cascade))
            .field("signer", .string, .required)
            .field("typed_name", .string, .required)
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("in_person", .bool, .required)
            .field("signed_at", .datetime, .required)
            .unique(on: "version_id", "signer", name: "recovery_plan_signatures_signer")
            .create()
        try await database.schema("organizations").field("plan_domains", .string, .required, .sql(.default("")))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organizations").deleteField("plan_domains").update()
        try await database.schema("recovery_plan_signatures").delete()
        try await database.schema("recovery_plan_versions").delete()
    }
}
