import Fluent

/// One row per scheduled job (reminders, e-mail delivery, feed refresh, message retention):
/// when it is next due, and who ran it last. Processes sharing a database claim a round by
/// moving `next_run_at` forward, so each round runs in one process only.
struct M0040_CreateScheduledJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("scheduled_jobs")
            .field("name", .string, .identifier(auto: false))
            .field("next_run_at", .datetime, .required)
            .field("last_run_at", .datetime)
            .field("last_runner", .string, .required)
            .field("runs", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("scheduled_jobs").delete()
    }
}
