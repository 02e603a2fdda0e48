import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// An admin keeping the organization's list of people right: invitations still waiting (and
/// withdrawing one), a staff member's role, and removing someone who has left. People coached
/// on a record of their own (participants, family members) leave through their record
/// (delete or anonymize), which decides what happens to what is written about them.
struct MemberService {
    let req: Request
    let actor: SignedIn

    struct PendingInvitation: Sendable {
        let id: UUID
        let email: String
        let role: Role
        let expiresAt: Date
    }

    func pendingInvitations(now: Date = Date()) async throws -> [PendingInvitation] {
        try await OneTimeLink.query(on: req.db).filter(\.$purpose == .invitation)
            .filter(\.$organization.$id == actor.organizationID).filter(\.$usedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
            .compactMap { link in
                guard let email = link.email, let role = link.role else { return nil }
                return PendingInvitation(id: link.id!, email: email, role: role, expiresAt: link.expiresAt)
            }
    }

    /// The link stops working at once. Audited.
    func withdrawInvitation(_ id: UUID) async throws {
        guard actor.can(.inviteMembers) else { throw ServiceError.denied }
        let withdrawn = try await (req.db as! any SQLDatabase).raw(
            """
            UPDATE one_time_links SET used_at = \(bind: Date()) WHERE id = \(bind: id) \
            AND organization_id = \(bind: actor.organizationID) AND purpose = 'invitation' AND used_at IS NULL \
            RETURNING id
            """
        ).all()
        guard !withdrawn.isEmpty else { throw ServiceError.notFound }
        try await req.audit("invitation.withdraw", subjectType: "invitation", subject: id)
    }

    /// A member of this organization another admin may act on: not oneself (no one locks
    /// themself out by mistake), and not someone coached on a record of their own.
    func manageable(_ membershipID: UUID) async throws -> (Membership, User) {
        guard actor.can(.changeMemberRole) else { throw ServiceError.denied }
        guard
            let membership = try await Membership.query(on: req.db).filter(\.$id == membershipID)
                .filter(\.$organization.$id == actor.organizationID).with(\.$user).first()
        else { throw ServiceError.notFound }
        guard membership.$user.id != actor.userID, !membership.role.hasOwnRecord else { throw ServiceError.denied }
        return (membership, membership.user)
    }

    /// Staff move between coach, supervisor and admin; the organization keeps an admin.
    /// Effective at the person's next request (each request reads the role). Audited.
    func changeRole(_ membershipID: UUID, to role: Role) async throws {
        let (membership, _) = try await manageable(membershipID)
        guard membership.role.isStaff, role.isStaff else {
            throw ServiceError.invalid([("role", "error_role_invalid")])
        }
        guard membership.role != role else { return }
        try await req.db.transaction { db in
            if membership.role == .admin { try await Self.keepAnAdmin(besides: membership, on: db) }
            membership.role = role
            try await membership.save(on: db)
        }
        try await req.audit("membership.role", subjectType: "user", subject: membership.$user.id)
    }

    /// Ends someone's membership as `SignInRelease.leave` does: their sessions, API tokens,
    /// kept meetings and queued mail here end with it (everywhere, when this was their only
    /// organization). Their name stays on what they wrote and did.
    /// A coach still coaching someone is kept until a supervisor reassigns those engagements.
    /// Audited.
    func remove(_ membershipID: UUID) async throws {
        let (membership, _) = try await manageable(membershipID)
        let userID = membership.$user.id
        let open = try await openEngagements(of: userID)
        if open > 0 { throw ServiceError.conflict("error_member_still_coaching") }
        try await req.db.transaction { db in
            if membership.role == .admin { try await Self.keepAnAdmin(besides: membership, on: db) }
            try await SignInRelease.leave(userID, from: actor.organizationID, on: db)
        }
        try await req.audit("membership.remove", subjectType: "user", subject: userID)
    }

    /// Engagements not yet ended that `userID` coaches here.
    func openEngagements(of userID: UUID) async throws -> Int {
        let rows = try await (req.db as! any SQLDatabase).raw(
            """
            SELECT COUNT(DISTINCT e.id) AS n FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
            WHERE c.coach_id = \(bind: userID) AND e.organization_id = \(bind: actor.organizationID) \
            AND e.status NOT IN ('completed', 'closed')
            """
        ).all()
        return try rows.first?.decode(column: "n", as: Int.self) ?? 0
    }

    /// In the caller's transaction, as its first statement. Two admins changing each other at
    /// the same moment would each still count the other. Writing the organization's row first
    /// makes the second transaction wait for the first to end and count after it: a row lock on
    /// PostgreSQL, the write lock taken before anything is read on SQLite (where a transaction
    /// that read first could not write after the other's commit).
    private static func keepAnAdmin(besides membership: Membership, on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw(
            "UPDATE organizations SET name = name WHERE id = \(bind: membership.$organization.id)"
        ).run()
        let admins = try await Membership.query(on: db).filter(\.$organization.$id == membership.$organization.id)
            .filter(\.$role == .admin).filter(\.$id != membership.id!).count()
        if admins == 0 { throw ServiceError.conflict("error_last_admin") }
    }
}
