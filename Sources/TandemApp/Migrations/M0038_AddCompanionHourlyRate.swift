import Fluent

/// A companion engagement is billed by the hour: its rate sits with the coverage plan.
struct M0038_AddCompanionHourlyRate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("coverage_plans")
            .field("hourly_rate_cents", .int, .required, .sql(.default(0)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("coverage_plans").deleteField("hourly_rate_cents").update()
    }
}
