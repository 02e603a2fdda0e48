import Foundation
import SQLKit
import TandemKit

extension SQLRow {
    /// A UUID column. SQLite keeps ids as text, which `UUIDText` reads far faster than the
    /// general decoder; PostgreSQL's native uuid falls through to that decoder.
    func uuid(_ column: String) throws -> UUID {
        if let text = try? decode(column: column, as: String.self), let id = UUIDText.parse(text) { return id }
        return try decode(column: column, as: UUID.self)
    }

    /// A column that may be null. Asking whether it is null first keeps the value on the
    /// drivers' direct conversions: SQLiteKit decodes an `Optional` through a general decoder
    /// made for each value, which showed in the profile of every page of rows.
    ///
    /// A column missing from the row is an error, as with `decode`, not a null: a misspelt
    /// alias must not read as "no data".
    /// A drivers' `decodeNil` answers true for a missing column, so only a null is looked up
    /// a second time, to tell the two apart.
    func optional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        guard try decodeNil(column: column) else { return try decode(column: column, as: T.self) }
        guard contains(column: column) else { throw MissingColumn(column: column) }
        return nil
    }
}

/// A column a statement was expected to return and did not.
struct MissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
