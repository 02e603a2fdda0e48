import Fluent
import SQLKit

struct M0011_CreateParticipants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("participants")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("preferred_name", .string, .required)
            .field("legal_name", .string, .required)
            .field("pronouns", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("language", .string, .required)
            .field("contact_methods", .string, .required)
            .field("safe_contact_times", .string, .required)
            .field("pathways", .string, .required)
            .field("pathway_other", .string, .required)
            .field("recovery_start_date", .string, .required)
            .field("strengths", .string, .required)
            .field("emergency_contact_name", .string, .required)
            .field("emergency_contact_relationship", .string, .required)
            .field("emergency_contact_phone", .string, .required)
            .field("sort_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "user_id")
            .create()
        try await database.createIndex("participants_org_sort", on: "participants", "organization_id", "sort_name")
        try await database.createIndex("participants_user", on: "participants", "user_id")

        // Prefix search compares terms by code point (`term >= "lope" AND term < "lopf"`). SQLite
        // does so already; PostgreSQL's language collations sort punctuation before letters, so
        // the column gets the "C" collation there.
        let usesPostgres = (database as? any SQLDatabase)?.dialect.name == "postgresql"
        let termType: DatabaseSchema.DataType = usesPostgres ? .custom(SQLRaw(#"TEXT COLLATE "C""#)) : .string
        try await database.schema("participant_search_terms")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("participant_id", .uuid, .required, .references("participants", "id", onDelete: .cascade))
            .field("term", termType, .required)
            .field("sort_name", .string, .required)
            .create()
        try await database.createIndex(
            "search_terms_org_term", on: "participant_search_terms", "organization_id", "term", "sort_name")
        try await database.createIndex("search_terms_participant", on: "participant_search_terms", "participant_id")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("participant_search_terms").delete()
        try await database.schema("participants").delete()
    }
}
