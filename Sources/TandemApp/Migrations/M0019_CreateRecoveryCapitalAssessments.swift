import Fluent

/// BARC-10 assessments (drafts and scored ones), and each organization's reassessment
/// interval. The index serves a person's history in date order and the caseload's trend
/// (their last two scored totals) without reading anyone else's.
struct M0019_CreateRecoveryCapitalAssessments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("recovery_capital_assessments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("answers", .string, .required)
            .field("total", .int)
            .field("completed_on", .string, .required)
            .field("with_coach", .bool, .required)
            .field("recorded_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.createIndex(
            "recovery_capital_participant", on: "recovery_capital_assessments", "participant_id", "status",
            "completed_on")
        try await database.schema("organizations")
            .field("reassessment_interval_days", .int, .required, .sql(.default(90))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organizations").deleteField("reassessment_interval_days").update()
        try await database.schema("recovery_capital_assessments").delete()
    }
}
