import Fluent

/// Coverage plans keep their history: each save is a version in force from that moment, so a
/// week already summarized (and the hours already billed) do not change when the plan or the
/// rate changes. A plan saved before this had no history; it stands from when it was saved,
/// and, being the first, for the time before too, as it did.
struct M0043_CreateCoveragePlanVersions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // All or nothing, so a migration stopped part way can run again.
        try await database.transaction { database in try await make(on: database) }
    }

    private func make(on database: any Database) async throws {
        try await database.schema("coverage_plan_versions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("engagement_id", .uuid, .required, .references("engagements", "id", onDelete: .cascade))
            .field("pattern", .string, .required)
            .field("start_time", .string, .required)
            .field("end_time", .string, .required)
            .field("weekdays", .string, .required)
            .field("hourly_rate_cents", .int, .required)
            .field("effective_from", .datetime, .required)
            .create()
        try await database.createIndex(
            "coverage_plan_versions_engagement", on: "coverage_plan_versions", "engagement_id", "effective_from")
        for plan in try await CoveragePlanRecord.query(on: database).all() {
            try await CoveragePlanVersion(of: plan, from: plan.updatedAt).create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("coverage_plan_versions").delete()
    }
}
