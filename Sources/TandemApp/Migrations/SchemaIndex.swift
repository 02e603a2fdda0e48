import Fluent
import SQLKit

/// Fluent's schema builder makes tables and unique constraints but no plain indexes;
/// SQLKit's index builder writes the same statement for SQLite and PostgreSQL.
extension Database {
    func createIndex(_ name: String, on table: String, _ columns: String...) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }

    /// Quietly does nothing when the index is not there, so a migration that stopped between
    /// dropping an index and making it anew can run again.
    func dropIndex(_ name: String) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        try await sql.drop(index: name).ifExists().run()
    }
}
