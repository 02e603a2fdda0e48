import Fluent
import Foundation
import SQLKit

/// Models read on every signed-in request, filled property by property. Fluent's own
/// `output(from:)` finds the properties by reflection on each call, which cost more than
/// the query itself; a test checks each list reads exactly the columns Fluent would.
protocol LoadsColumnsDirectly: Model {
    func loadColumns(from output: any DatabaseOutput) throws
}

extension Model {
    /// Every column of the model's table as `alias.column AS alias_column`, for a query that
    /// reads several tables at once; worked out from the model, so a new field is read
    /// without touching the query.
    static func columns(as alias: String) -> [String] {
        keys.map { "\(alias).\($0.description) AS \(alias)_\($0.description)" }
    }
}

extension LoadsColumnsDirectly {
    /// The model from the columns of `row` that begin with `prefix`.
    static func load(from row: any SQLRow, prefix: String) throws -> Self {
        let model = Self()
        try model.loadColumns(from: PrefixedColumns(row: row, prefix: prefix))
        return model
    }
}

/// One table's columns of a joined row, as Fluent reads a model's own row, so the models
/// come out as loaded from the database: saving one writes only what changed.
struct PrefixedColumns: DatabaseOutput {
    let row: any SQLRow
    let prefix: String

    var description: String { "columns \(prefix)*" }

    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }

    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        let column = prefix + key.description
        // An optional field is asked whether it is null first (see `SQLRow.optional`).
        if let optional = T.self as? any NullableColumn.Type { return try optional.read(column, from: row) as! T }
        return try row.decode(column: column, as: T.self)
    }
}

/// An `Optional` read from a row without SQLiteKit's general decoder (see `SQLRow.optional`).
private protocol NullableColumn {
    static func read(_ column: String, from row: any SQLRow) throws -> Self
}

extension Optional: NullableColumn where Wrapped: Decodable {
    fileprivate static func read(_ column: String, from row: any SQLRow) throws -> Self {
        try row.optional(column, as: Wrapped.self)
    }
}
