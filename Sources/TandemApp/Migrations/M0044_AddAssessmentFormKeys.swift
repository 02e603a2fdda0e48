import Fluent
import SQLKit

/// The BARC-10 form sent twice (a double click, the back button) is one assessment: each
/// form shown carries a key, kept with what it saved, unique for the person.
struct M0044_AddAssessmentFormKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // All or nothing, so a migration stopped part way can run again.
        try await database.transaction { database in
            try await database.schema("recovery_capital_assessments").field("form_key", .string).update()
            guard let sql = database as? any SQLDatabase else { return }
            try await sql.create(index: "recovery_capital_form_key").unique().on("recovery_capital_assessments")
                .column("participant_id").column("form_key").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("recovery_capital_form_key")
        try await database.schema("recovery_capital_assessments").deleteField("form_key").update()
    }
}
