import Fluent
import Foundation
import SQLKit
import Vapor

extension Database {
    /// Books staff members' time in one transaction: `body` runs after each member's
    /// membership row is held, so two requests booking the same person for overlapping times
    /// take turns, and the second sees the first's booking when it looks for a clash. A write
    /// comes first (rewriting the role with itself): on SQLite it takes the write lock before
    /// anything is read, on PostgreSQL it locks the rows until the transaction ends. Rows are
    /// held in one order, so two bookings of the same people cannot wait on each other.
    func bookingStaff<T: Sendable>(
        _ staff: [UUID], in organizationID: UUID, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await transaction { db in
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            for id in staff.sorted(by: { $0.uuidString < $1.uuidString }) {
                try await sql.raw(
                    """
                    UPDATE memberships SET role = role WHERE organization_id = \(bind: organizationID) \
                    AND user_id = \(bind: id)
                    """
                ).run()
            }
            return try await body(db)
        }
    }
}
