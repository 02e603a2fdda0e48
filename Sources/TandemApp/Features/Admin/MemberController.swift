import Fluent
import Foundation
import TandemKit
import Vapor

/// Changing a staff member's role, removing someone who has left (after a page that asks),
/// and withdrawing an invitation, from the members page (`/admin/members`).
struct MemberController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin")
        admin.post("invitations", ":linkID", "withdraw", use: withdraw)
        admin.post("members", ":membershipID", "role", use: changeRole)
        admin.get("members", ":membershipID", "remove", use: removeForm)
        admin.post("members", ":membershipID", "remove", use: remove)
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let actor = try await req.authorize(.inviteMembers)
        try await MemberService(req: req, actor: actor).withdrawInvitation(try req.id("linkID"))
        return .redirect("/admin/members?done=withdrawn")
    }

    struct RoleForm: Content {
        var role: String?
    }

    @Sendable func changeRole(req: Request) async throws -> Response {
        let actor = try await req.authorize(.changeMemberRole)
        let form = (try? req.content.decode(RoleForm.self)) ?? RoleForm()
        guard let role = Role(rawValue: form.role ?? "") else { throw Abort(.unprocessableEntity) }
        try await MemberService(req: req, actor: actor).changeRole(try req.id("membershipID"), to: role)
        return .redirect("/admin/members?done=role")
    }

    struct RemoveBody: Encodable, Sendable {
        let id: String
        let userID: String
        let name: String
        let email: String
        let role: String
        /// Engagements they still coach: they stay until a supervisor reassigns them.
        let stillCoaching: Int
    }

    @Sendable func removeForm(req: Request) async throws -> Response {
        let actor = try await req.authorize(.changeMemberRole)
        let service = MemberService(req: req, actor: actor)
        let (membership, user) = try await service.manageable(try req.id("membershipID"))
        return try await req.page(
            "admin/member-remove", titleKey: "members_remove_title",
            RemoveBody(
                id: membership.id!.uuidString, userID: user.id!.uuidString, name: user.displayName, email: user.email,
                role: req.t("role_" + membership.role.rawValue),
                stillCoaching: try await service.openEngagements(of: user.id!)))
    }

    @Sendable func remove(req: Request) async throws -> Response {
        let actor = try await req.authorize(.changeMemberRole)
        try await MemberService(req: req, actor: actor).remove(try req.id("membershipID"))
        return .redirect("/admin/members?done=removed")
    }
}
