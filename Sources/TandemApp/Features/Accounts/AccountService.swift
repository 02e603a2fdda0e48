import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Organizations, people and their memberships: creating them, inviting, resetting
/// and changing passwords. Every operation validates its input and is audited.
struct AccountService {
    let db: any Database
    let hasher: AsyncPasswordHasher
    let settings: Settings

    struct Invalid: Error {
        let fields: [(String, String)]
    }

    /// Checks an existing account's password; the web passes the throttled check.
    typealias PasswordCheck = @Sendable (User, String) async throws -> Bool

    func hash(_ password: String) async throws -> String {
        try await hasher.hash(PasswordDigest.prepare(password))
    }

    func verify(_ password: String, of user: User) async throws -> Bool {
        (try? await hasher.verify(PasswordDigest.prepare(password), created: user.passwordHash)) ?? false
    }

    static func passwordProblem(_ password: String, email: String?) -> String? {
        PasswordPolicy.standard.problem(with: password, email: email).map { "error_" + $0.rawValue }
    }

    /// Creates an organization with its first admin. When the e-mail already has an account
    /// (one person running several organizations), its password must match and it becomes
    /// the new organization's admin.
    func createOrganization(
        name: String, adminName: String, email: String, password: String, checkExisting: PasswordCheck? = nil,
        claiming link: OneTimeLink? = nil
    ) async throws -> (Organization, User) {
        var problems: [(String, String)] = []
        if let problem = FieldRules.name(name) { problems.append(("org_name", problem)) }
        if let problem = FieldRules.name(adminName) { problems.append(("display_name", problem)) }
        if let problem = FieldRules.email(email) { problems.append(("email", problem)) }
        let normalized = FieldRules.normalizedEmail(email)
        let existing = try await User.query(on: db).filter(\.$email == normalized).first()
        if let existing {
            if !(try await passwordMatches(existing, password, checkExisting)) {
                problems.append(("password", "error_existing_account_password"))
            }
        } else if let problem = Self.passwordProblem(password, email: normalized) {
            problems.append(("password", problem))
        }
        if !problems.isEmpty { throw Invalid(fields: problems) }
        let passwordHash = existing == nil ? try await hash(password) : ""
        return try await db.transaction { db in
            if let link { try await Self.claim(link, on: db) }
            let organization = Organization(name: name.trimmingCharacters(in: .whitespacesAndNewlines))
            try await organization.create(on: db)
            let user: User
            if let existing {
                user = existing
            } else {
                user = User(
                    email: normalized, displayName: adminName.trimmingCharacters(in: .whitespacesAndNewlines),
                    passwordHash: passwordHash)
                try await user.create(on: db)
            }
            let membership = Membership(userID: user.id!, organizationID: organization.id!, role: .admin)
            // Someone who already works elsewhere set this organization up to run it: their
            // next sign-in starts here, as it does after accepting an invitation.
            if existing != nil { membership.chosenAt = Date() }
            try await membership.create(on: db)
            return (organization, user)
        }
    }

    private func passwordMatches(_ user: User, _ password: String, _ check: PasswordCheck?) async throws -> Bool {
        if let check { return try await check(user, password) }
        return try await verify(password, of: user)
    }

    /// A one-time link for `purpose`; returns the secret token to put in the URL.
    func issueLink(
        _ purpose: OneTimeLink.Purpose, organizationID: UUID? = nil, userID: UUID? = nil, createdBy: UUID? = nil,
        email: String? = nil, role: Role? = nil, participantID: UUID? = nil, validHours: Int
    ) async throws -> String {
        let token = SecureToken.generate()
        let link = OneTimeLink(
            purpose: purpose, tokenHash: SecureToken.hash(token),
            expiresAt: Date().addingTimeInterval(Double(validHours) * 3600))
        link.$organization.id = organizationID
        link.$user.id = userID
        link.$createdBy.id = createdBy
        link.email = email
        link.role = role
        link.$participant.id = participantID
        try await link.create(on: db)
        return token
    }

    /// How long a password reset link works.
    static let resetLinkHours = 24

    /// A password reset link for a member, issued by an admin of the member's organization.
    /// A password belongs to the whole account, so one organization's admin may not reset
    /// someone who also belongs to another. Only the newest reset link of a person works.
    func issuePasswordReset(for membership: Membership, by admin: UUID) async throws -> String {
        let elsewhere = try await Membership.query(on: db).filter(\.$user.$id == membership.$user.id)
            .filter(\.$organization.$id != membership.$organization.id).count()
        if elsewhere > 0 { throw Invalid(fields: [("members", "error_reset_other_organizations")]) }
        try await OneTimeLink.query(on: db).filter(\.$purpose == .passwordReset)
            .filter(\.$user.$id == membership.$user.id).filter(\.$usedAt == nil).set(\.$usedAt, to: Date()).update()
        return try await issueLink(
            .passwordReset, organizationID: membership.$organization.id, userID: membership.$user.id, createdBy: admin,
            validHours: Self.resetLinkHours)
    }

    /// Marks a one-time link used; only one of several concurrent requests succeeds, the
    /// others get the "link gone" answer. Call inside the transaction that acts on the link.
    static func claim(_ link: OneTimeLink, on db: any Database) async throws {
        let now = Date()
        let rows = try await (db as! any SQLDatabase).raw(
            "UPDATE one_time_links SET used_at = \(bind: now) WHERE id = \(bind: link.id!) AND used_at IS NULL RETURNING id"
        ).all()
        guard !rows.isEmpty else { throw LinkGone() }
        link.usedAt = now
    }

    /// Marks every unused invitation of `email` to the organization used.
    static func withdrawInvitations(of email: String, to organizationID: UUID, on db: any Database) async throws {
        try await OneTimeLink.query(on: db).filter(\.$purpose == .invitation)
            .filter(\.$organization.$id == organizationID).filter(\.$email == email).filter(\.$usedAt == nil)
            .set(\.$usedAt, to: Date()).update()
    }

    /// A one-time link that another request used first.
    struct LinkGone: Error {}

    /// The usable link with this token and purpose, or nil (unknown, used or expired).
    func findLink(_ token: String, purpose: OneTimeLink.Purpose) async throws -> OneTimeLink? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        let link = try await OneTimeLink.query(on: db)
            .filter(\.$tokenHash == SecureToken.hash(token)).filter(\.$purpose == purpose).first()
        guard let link, link.isUsable(at: Date()) else { return nil }
        return link
    }

    /// Invites a person by e-mail to join with `role`; with `participantID`, accepting links
    /// the new sign-in to that participant record.
    func invite(
        email: String, role: Role, organizationID: UUID, by inviter: UUID, participantID: UUID? = nil
    ) async throws -> String {
        if let problem = FieldRules.email(email) { throw Invalid(fields: [("email", problem)]) }
        let normalized = FieldRules.normalizedEmail(email)
        if let user = try await User.query(on: db).filter(\.$email == normalized).first(),
            try await Membership.query(on: db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id == organizationID).first() != nil
        {
            throw Invalid(fields: [("email", "error_already_member")])
        }
        // Only the newest invitation of an address to an organization works: inviting again
        // (another role, or a link that went astray) withdraws the earlier ones.
        try await Self.withdrawInvitations(of: normalized, to: organizationID, on: db)
        return try await issueLink(
            .invitation, organizationID: organizationID, createdBy: inviter, email: normalized, role: role,
            participantID: participantID, validHours: settings.linkValidityHours)
    }

    /// Accepts an invitation: creates the account (or joins an existing one) and the membership.
    func accept(
        _ link: OneTimeLink, displayName: String, password: String, language: Language = .en,
        checkExisting: PasswordCheck? = nil
    ) async throws -> User {
        guard let email = link.email, let role = link.role, let organizationID = link.$organization.id else {
            throw Abort(.notFound)
        }
        let existing = try await User.query(on: db).filter(\.$email == email).first()
        var problems: [(String, String)] = []
        if existing == nil, let problem = FieldRules.name(displayName) { problems.append(("display_name", problem)) }
        if let existing {
            if try await Membership.query(on: db).filter(\.$user.$id == existing.id!)
                .filter(\.$organization.$id == organizationID).first() != nil
            {
                throw Invalid(fields: [("password", "error_invitation_already_member")])
            }
            if !(try await passwordMatches(existing, password, checkExisting)) {
                problems.append(("password", "error_existing_account_password"))
            }
        } else if let problem = Self.passwordProblem(password, email: email) {
            problems.append(("password", problem))
        }
        if !problems.isEmpty { throw Invalid(fields: problems) }
        let passwordHash = existing == nil ? try await hash(password) : ""
        return try await db.transaction { db in
            try await Self.claim(link, on: db)
            let user: User
            if let existing {
                user = existing
            } else {
                user = User(
                    email: email, displayName: displayName.trimmingCharacters(in: .whitespacesAndNewlines),
                    passwordHash: passwordHash, language: language.rawValue)
                try await user.create(on: db)
            }
            // Any other invitation of this address here is spent with this one.
            try await Self.withdrawInvitations(of: email, to: organizationID, on: db)
            let membership = Membership(userID: user.id!, organizationID: organizationID, role: role)
            // Someone who joins another organization starts their next sessions there.
            if existing != nil { membership.chosenAt = Date() }
            try await membership.create(on: db)
            if let participantID = link.$participant.id {
                // Only a record still without a sign-in; if another invitation was accepted
                // first, this one is spent and nothing is joined.
                let linked = try await (db as! any SQLDatabase).raw(
                    "UPDATE participants SET user_id = \(bind: user.id!) WHERE id = \(bind: participantID) AND user_id IS NULL RETURNING id"
                ).all()
                if linked.isEmpty { throw LinkGone() }
            }
            return user
        }
    }

    /// Sets a new password (spending `link` when it comes from a reset link); the caller
    /// ends the person's other sessions and tokens.
    func setPassword(_ user: User, to password: String, claiming link: OneTimeLink? = nil) async throws {
        if let problem = Self.passwordProblem(password, email: user.email) {
            throw Invalid(fields: [("new_password", problem)])
        }
        let passwordHash = try await hash(password)
        try await db.transaction { db in
            if let link { try await Self.claim(link, on: db) }
            user.passwordHash = passwordHash
            user.passwordChangedAt = Date()
            try await user.save(on: db)
        }
    }
}

extension Request {
    var accounts: AccountService {
        AccountService(db: db, hasher: password.async, settings: settings)
    }
}
