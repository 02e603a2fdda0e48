import Fluent
import Foundation
import SQLKit
import Vapor

/// A browser session with the account behind it, read in one query: the session, its
/// user, and the membership (with its organization) the session works in. Every signed-in
/// page needs all four, and four queries cost four trips to the database thread.
struct SessionAccount: Sendable {
    let session: WebSession
    let user: User
    /// Nil when the person belongs to no organization (any more).
    let membership: Membership?
    /// How many organizations the person belongs to: with more than one, every page offers
    /// the switch between them.
    let membershipCount: Int

    enum Key: Sendable {
        case tokenHash(String)
        case sessionID(UUID)
    }

    /// Finds the session by its token hash or id. The membership is the session's
    /// organization's, or, for a session that has none yet, the person's first.
    static func find(_ key: Key, on db: any Database) async throws -> SessionAccount? {
        guard let sql = db as? any SQLDatabase else { return nil }
        var query = SQLQueryString(selection)
        switch key {
        case .tokenHash(let hash):
            query.appendInterpolation(unsafeRaw: " WHERE s.token_hash = ")
            query.appendInterpolation(bind: hash)
        case .sessionID(let id):
            query.appendInterpolation(unsafeRaw: " WHERE s.id = ")
            query.appendInterpolation(bind: id)
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY m.created_at LIMIT 1")
        guard let row = try await sql.raw(query).first() else { return nil }
        let user = try User.load(from: row, prefix: "u_")
        return SessionAccount(
            session: try WebSession.load(from: row, prefix: "s_"), user: user,
            membership: try Membership.loadWithOrganization(from: row, user: user),
            membershipCount: try row.decode(column: "membership_count", as: Int.self))
    }

    /// Every column of the four tables, each prefixed by its table's letter, worked out
    /// once from the models so a new field is read without touching this query.
    private static let selection: String = {
        let list =
            WebSession.columns(as: "s") + User.columns(as: "u") + Membership.columns(as: "m")
            + Organization.columns(as: "o")
        return """
            SELECT \(list.joined(separator: ", ")), \
            (SELECT COUNT(*) FROM memberships mc WHERE mc.user_id = s.user_id) AS membership_count \
            FROM web_sessions s JOIN users u ON u.id = s.user_id \
            LEFT JOIN memberships m ON m.user_id = s.user_id \
            AND (s.organization_id IS NULL OR m.organization_id = s.organization_id) \
            LEFT JOIN organizations o ON o.id = m.organization_id
            """
    }()
}

extension WebSession: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $tokenHash.output(from: output)
        try $user.output(from: output)
        try $organization.output(from: output)
        try $csrfToken.output(from: output)
        try $awaitingSecondFactor.output(from: output)
        try $createdAt.output(from: output)
        try $lastSeenAt.output(from: output)
    }
}

extension User: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $email.output(from: output)
        try $displayName.output(from: output)
        try $passwordHash.output(from: output)
        try $language.output(from: output)
        try $totpSecret.output(from: output)
        try $totpPendingSecret.output(from: output)
        try $totpLastCounter.output(from: output)
        try $passwordChangedAt.output(from: output)
        try $createdAt.output(from: output)
        try $memberships.output(from: output)
    }
}

extension Membership: LoadsColumnsDirectly {
    /// The membership (`m_` columns) and its organization (`o_`) of a joined row, or nil
    /// when the row has none (a left join that found no membership).
    static func loadWithOrganization(from row: any SQLRow, user: User) throws -> Membership? {
        guard try !row.decodeNil(column: "m_id") else { return nil }
        let membership = try Membership.load(from: row, prefix: "m_")
        membership.$organization.value = try Organization.load(from: row, prefix: "o_")
        membership.$user.value = user
        return membership
    }

    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $user.output(from: output)
        try $organization.output(from: output)
        try $role.output(from: output)
        try $createdAt.output(from: output)
        try $chosenAt.output(from: output)
    }
}

extension Organization: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $name.output(from: output)
        try $crisisLine.output(from: output)
        try $crisisText.output(from: output)
        try $requireStaffTwoFactor.output(from: output)
        try $timeZone.output(from: output)
        try $reassessmentIntervalDays.output(from: output)
        try $planDomains.output(from: output)
        try $notesNeedReview.output(from: output)
        try $createdAt.output(from: output)
    }
}
