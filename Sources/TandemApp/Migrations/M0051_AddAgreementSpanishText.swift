import Fluent

/// The contract for engagement in Spanish beside the English text, one version holding both,
/// so a person who reads Spanish signs the agreement in their language.
struct M0051_AddAgreementSpanishText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agreement_versions").field("text_es", .string, .required, .sql(.default("")))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agreement_versions").deleteField("text_es").update()
    }
}
