import Fluent
import Foundation
import TandemKit
import Vapor

/// An e-mail to the organization's admins and supervisors (or the roles given) that something waits for them
/// in Tandem: each in their own language, with a link and never a person's name.
enum StaffNotice {
    static func send(
        _ req: Request, organizationID: UUID, roles: [Role] = [.admin, .supervisor], subjectKey: String,
        bodyKey: String, path: String, kind: String, dedupe: String
    ) async throws {
        let staff = try await Membership.query(on: req.db).filter(\.$organization.$id == organizationID)
            .filter(\.$role ~~ roles).all(\.$user.$id)
        guard !staff.isEmpty else { return }
        let link = (req.tandem.settings.baseURL ?? "http://localhost:8080") + path
        for user in try await User.query(on: req.db).filter(\.$id ~~ staff).all() {
            let messages = req.tandem.messages[Language(rawValue: user.language) ?? .en] ?? req.messages
            try await Outbox.enqueue(
                on: req.db, organizationID: organizationID, recipient: user.email, subject: messages.text(subjectKey),
                body: messages.text(bodyKey, ["link": link]), kind: kind, dedupeKey: "\(dedupe):\(user.id!)")
        }
    }
}
