import Fluent

/// Daily check-ins: one per participant and local calendar day (the unique key also serves
/// the history, newest first), and a second index to find a reach-out still to follow up
/// without reading a person's whole history.
struct M0018_CreateCheckIns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("check_ins")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("local_date", .string, .required)
            .field("mood", .int, .required)
            .field("craving", .int, .required)
            .field("substance_use", .string, .required)
            .field("supports", .string, .required)
            .field("went_well", .string, .required)
            .field("reach_out", .string, .required)
            .field("followed_up_at", .datetime)
            .field("followed_up_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "participant_id", "local_date", name: "check_ins_participant_day")
            .create()
        try await database.createIndex("check_ins_reach_out", on: "check_ins", "participant_id", "reach_out")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("check_ins").delete()
    }
}
