import Fluent
import Foundation
import SQLKit

/// An organization's choices about its meetings: whether its meeting finder is also open to
/// the public at `/organizations/{id}/meetings` (off until an admin turns it on).
enum MeetingSettings {
    static func publicFinder(of organizationID: UUID, on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        return try await sql.raw(
            "SELECT public_finder FROM meeting_settings WHERE organization_id = \(bind: organizationID)"
        ).first()?.decode(column: "public_finder", as: Bool.self) ?? false
    }

    static func setPublicFinder(_ on: Bool, of organizationID: UUID, db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            INSERT INTO meeting_settings (id, organization_id, public_finder) \
            VALUES (\(bind: UUID()), \(bind: organizationID), \(bind: on)) \
            ON CONFLICT (organization_id) DO UPDATE SET public_finder = \(bind: on)
            """
        ).run()
    }
}
