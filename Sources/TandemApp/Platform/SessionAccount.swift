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
        let session = WebSession()
        try session.loadColumns(from: PrefixedOutput(row: row, prefix: "s_"))
        let user = User()
        try user.loadColumns(from: PrefixedOutput(row: row, prefix: "u_"))
        guard try !row.decodeNil(column: "m_id") else {
            return SessionAccount(session: session, user: user, membership: nil)
        }
        let membership = Membership()
        try membership.loadColumns(from: PrefixedOutput(row: row, prefix: "m_"))
        let organization = Organization()
        try organization.loadColumns(from: PrefixedOutput(row: row, prefix: "o_"))
        membership.$organization.value = organization
        membership.$user.value = user
        return SessionAccount(session: session, user: user, membership: membership)
    }

    /// Every column of the four tables, each prefixed by its table's letter, worked out
    /// once from the models so a new field is read without touching this query.
    private static let selection: String = {
        func columns<M: Model>(_ model: M.Type, _ alias: String) -> [String] {
            M.keys.map { "\(alias).\($0.description) AS \(alias)_\($0.description)" }
        }
        let list =
            columns(WebSession.self, "s") + columns(User.self, "u") + columns(Membership.self, "m")
            + columns(Organization.self, "o")
        return """
            SELECT \(list.joined(separator: ", ")) FROM web_sessions s JOIN users u ON u.id = s.user_id \
            LEFT JOIN memberships m ON m.user_id = s.user_id \
            AND (s.organization_id IS NULL OR m.organization_id = s.organization_id) \
            LEFT JOIN organizations o ON o.id = m.organization_id
            """
    }()
}

/// Models read on every signed-in request, filled property by property. Fluent's own
/// `output(from:)` finds the properties by reflection on each call, which cost more than
/// the query itself; a test checks each list reads exactly the columns Fluent would.
protocol LoadsColumnsDirectly: Model {
    func loadColumns(from output: any DatabaseOutput) throws
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
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $user.output(from: output)
        try $organization.output(from: output)
        try $role.output(from: output)
        try $createdAt.output(from: output)
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
        try $createdAt.output(from: output)
    }
}

/// One table's columns of a joined row, as Fluent reads a model's own row, so the models
/// come out as loaded from the database: saving one writes only what changed.
private struct PrefixedOutput: DatabaseOutput {
    let row: any SQLRow
    let prefix: String

    var description: String { "columns \(prefix)*" }

    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }

    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: prefix + key.description, as: T.self)
    }
}
