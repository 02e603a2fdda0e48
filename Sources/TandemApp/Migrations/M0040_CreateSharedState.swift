import Fluent

/// What every process sharing the database must agree on. `scheduled_jobs`: one row per
/// scheduled job (reminders, e-mail delivery, feed refresh, message retention), when it is
/// next due and who ran it last; processes claim a round by moving `next_run_at` forward, so
/// each round runs in one process only. `shared_secrets`: keys made once by the first
/// process that needs one (the key that hashes commenters' addresses), so a limit counted
/// by a hashed address holds across processes and restarts.
struct M0040_CreateSharedState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("scheduled_jobs")
            .field("name", .string, .identifier(auto: false))
            .field("next_run_at", .datetime, .required)
            .field("last_run_at", .datetime)
            .field("last_runner", .string, .required)
            .field("runs", .int64, .required)
            .create()
        try await database.schema("shared_secrets")
            .field("name", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("shared_secrets").delete()
        try await database.schema("scheduled_jobs").delete()
    }
}
