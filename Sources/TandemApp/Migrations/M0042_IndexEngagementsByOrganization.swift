import Fluent

/// An index of an organization's engagements by person. The billing export looks up the
/// engagements of everyone it bills (thousands of people at once); PostgreSQL read all of
/// every organization's engagements for it (100,000 rows in a statewide program) rather than
/// seek thousands of times in `engagements_participant`. With the organization first, the
/// work grows with the organization, not with the whole table.
struct M0042_IndexEngagementsByOrganization: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.createIndex(
            "engagements_organization_participant", on: "engagements", "organization_id", "participant_id")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("engagements_organization_participant")
    }
}
