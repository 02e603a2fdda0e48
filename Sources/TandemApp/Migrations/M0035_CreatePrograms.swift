import Fluent

/// Online programs an organization publishes, and the people who enroll in them: when
/// they accepted the terms, how the payment stands, and whether they asked for a coach.
struct M0035_CreatePrograms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("programs")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("description", .string, .required)
            .field("terms", .string, .required)
            .field("price_cents", .int, .required)
            .field("published", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.createIndex("programs_org", on: "programs", "organization_id", "created_at")
        try await database.schema("program_enrollments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("program_id", .uuid, .required, .references("programs", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("terms_accepted_at", .datetime, .required)
            .field("price_cents", .int, .required)
            .field("payment", .string, .required)
            .field("payment_note", .string, .required)
            .field("payment_recorded_by", .uuid)
            .field("payment_recorded_at", .datetime)
            .field("coach_requested_at", .datetime)
            .field("engagement_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "program_id", "participant_id")
            .create()
        try await database.createIndex(
            "program_enrollments_program", on: "program_enrollments", "program_id", "created_at")
        try await database.createIndex(
            "program_enrollments_participant", on: "program_enrollments", "participant_id")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("program_enrollments_participant")
        try await database.dropIndex("program_enrollments_program")
        try await database.schema("program_enrollments").delete()
        try await database.dropIndex("programs_org")
        try await database.schema("programs").delete()
    }
}
