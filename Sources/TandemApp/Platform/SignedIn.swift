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
    /// How many organizations the person belongs to (this one among them).
    let organizationCount: Int

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
        // A session started during this request (at sign-in) was not read with its account.
        var account = sessionAccount
        if account?.session.id != session.id {
            account = try await SessionAccount.find(.sessionID(session.id!), on: db)
        }
        guard let account else { throw Abort.redirect(to: "/signin") }
        guard let membership = account.membership else { throw Abort(.forbidden, reason: "no_membership") }
        let actor = SignedIn(
            user: account.user, organization: membership.organization, membership: membership, session: session,
            organizationCount: account.membershipCount)
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
