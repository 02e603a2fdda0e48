import Fluent

/// Outreach (recovery check-ups): the organization's rules, and each attempt a coach makes
/// to reach someone (found by person for the caseload's signals).
struct M0025_CreateOutreach: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outreach_settings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("no_contact_days", .int, .required)
            .field("missed_appointments", .bool, .required)
            .field("reach_out_requests", .bool, .required)
            .field("check_up_days", .string, .required)
            .unique(on: "organization_id")
            .create()
        try await database.schema("outreach_attempts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("coach_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("method", .string, .required)
            .field("outcome", .string, .required)
            .field("reason", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.createIndex(
            "outreach_attempts_participant", on: "outreach_attempts", "participant_id", "created_at")
        try await database.createIndex("appointments_missed", on: "appointments", "participant_id", "status")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("appointments_missed")
        try await database.dropIndex("outreach_attempts_participant")
        try await database.schema("outreach_attempts").delete()
        try await database.schema("outreach_settings").delete()
    }
}
