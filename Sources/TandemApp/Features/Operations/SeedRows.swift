import SQLKit

/// Rows for one table gathered and written as multi-row INSERTs, each as large as SQLite
/// allows (32,766 values a statement), so millions of rows go in thousands of statements.
struct SeedRows {
    static let valuesPerStatement = 32_000

    let table: String
    let columns: [String]
    let sql: any SQLDatabase
    private var pending: [[any Encodable & Sendable]] = []

    init(_ table: String, _ columns: [String], on sql: any SQLDatabase) {
        self.table = table
        self.columns = columns
        self.sql = sql
    }

    var rowsPerStatement: Int { max(1, Self.valuesPerStatement / columns.count) }

    mutating func add(_ row: [any Encodable & Sendable]) async throws {
        precondition(row.count == columns.count, "a row of \(table) needs \(columns.count) values")
        pending.append(row)
        if pending.count >= rowsPerStatement { try await flush() }
    }

    /// Adds a row that refers to a row of `parent`: when this statement is due first,
    /// `parent`'s rows go in before it, so no reference points at a row not yet written.
    mutating func add(_ row: [any Encodable & Sendable], after parent: inout SeedRows) async throws {
        if pending.count + 1 >= rowsPerStatement { try await parent.flush() }
        try await add(row)
    }

    mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        let insert = sql.insert(into: table).columns(columns)
        for row in pending { insert.values(row.map { SQLBind($0) }) }
        try await insert.run()
        pending.removeAll(keepingCapacity: true)
    }
}

extension SeedRows {
    /// Sign-ins: `id, email, display_name, password_hash, language, password_changed_at, created_at`.
    static func users(on sql: any SQLDatabase) -> SeedRows {
        SeedRows(
            User.schema,
            ["id", "email", "display_name", "password_hash", "language", "password_changed_at", "created_at"],
            on: sql)
    }

    /// Roles in organizations: `id, user_id, organization_id, role, created_at`.
    static func memberships(on sql: any SQLDatabase) -> SeedRows {
        SeedRows(Membership.schema, ["id", "user_id", "organization_id", "role", "created_at"], on: sql)
    }
}
