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
}
