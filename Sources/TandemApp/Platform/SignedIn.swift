import Fluent
import Foundation
import TandemKit
import Vapor

/// The person behind a request, in the organization they are working in.
struct SignedIn: Sendable {
    let user: User
    let organization: Organization
    let membership: Membership
    let session: WebSession

    var role: Role { membership.role }
    var userID: UUID { user.id! }
    var organizationID: UUID { organization.id! }

    func can(_ action: OrganizationAction) -> Bool { AccessPolicy.can(role, action) }
}

private struct SignedInKey: StorageKey {
    typealias Value = SignedIn
}

extension Request {
    /// The signed-in person, or a redirect to sign in. With `enforceTwoFactor`, staff of an
    /// organization that requires two-factor sign-in are sent to set it up first.
    func signedIn(enforceTwoFactor: Bool = true) async throws -> SignedIn {
        if let cached = storage[SignedInKey.self] {
            try checkTwoFactor(cached, enforce: enforceTwoFactor)
            return cached
        }
        guard let session = webSession else {
            throw Abort.redirect(to: sessionEnded ? "/signin?ended=1" : "/signin")
        }
        if session.awaitingSecondFactor { throw Abort.redirect(to: "/signin/code") }
        let user = try await session.$user.get(on: db)
        var query = Membership.query(on: db).filter(\.$user.$id == user.id!).with(\.$organization)
        if let organizationID = session.$organization.id {
            query = query.filter(\.$organization.$id == organizationID)
        }
        guard let membership = try await query.sort(\.$createdAt).first() else {
            throw Abort(.forbidden, reason: "no_membership")
        }
        let actor = SignedIn(
            user: user, organization: membership.organization, membership: membership, session: session)
        storage[SignedInKey.self] = actor
        try checkTwoFactor(actor, enforce: enforceTwoFactor)
        return actor
    }

    /// The signed-in person when there is one, without redirecting.
    func optionalSignedIn() async -> SignedIn? {
        guard webSession != nil, webSession?.awaitingSecondFactor == false else { return nil }
        return try? await signedIn(enforceTwoFactor: false)
    }

    /// The signed-in person if they may do `action`; 403 otherwise, audited as denied.
    func authorize(_ action: OrganizationAction) async throws -> SignedIn {
        let actor = try await signedIn()
        guard actor.can(action) else {
            try await audit("access.denied", outcome: .denied, actor: actor.userID, organization: actor.organizationID)
            throw Abort(.forbidden)
        }
        return actor
    }

    private func checkTwoFactor(_ actor: SignedIn, enforce: Bool) throws {
        if enforce, actor.organization.requireStaffTwoFactor, actor.role.isStaff, !actor.user.twoFactorEnabled {
            throw Abort.redirect(to: "/account/two-factor?required=1")
        }
    }
}
