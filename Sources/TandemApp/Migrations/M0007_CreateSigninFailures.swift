import Fluent

struct M0007_CreateSigninFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("signin_failures")
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("last_failure_at", .datetime, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("signin_failures").delete()
    }
}
