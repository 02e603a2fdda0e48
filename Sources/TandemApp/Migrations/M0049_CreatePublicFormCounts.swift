import Fluent

/// How many messages each client had Tandem send from its public forms this hour
/// (`PublicMailAllowance`), keyed by a hash of the client's address.
struct M0049_CreatePublicFormCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("public_form_counts")
            .field("key", .string, .identifier(auto: false))
            .field("count", .int, .required)
            .field("window_start", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("public_form_counts").delete()
    }
}
