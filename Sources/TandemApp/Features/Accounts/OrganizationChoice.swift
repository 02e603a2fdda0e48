import Fluent
import Foundation
import TandemKit
import Vapor

/// A person who belongs to several organizations (a coach who volunteers at two, a person who
/// joined another organization's program) works in one at a time: every page, list and
/// permission is that organization's. They move between them here; nothing of one is shown in
/// another.
struct OrganizationChoice {
    let req: Request

    struct Option: Sendable {
        let organizationID: UUID
        let name: String
        let role: Role
    }

    /// The person's organizations, by name.
    func options(for userID: UUID) async throws -> [Option] {
        try await Membership.query(on: req.db).filter(\.$user.$id == userID).with(\.$organization).all()
            .map { Option(organizationID: $0.$organization.id, name: $0.organization.name, role: $0.role) }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }

    /// The names of the person's organizations, to say which one each of their API tokens
    /// acts in (`BearerAccount`: the token's, or for one made before tokens named one, the first
    /// the person joined).
    struct TokenOrganizations {
        let names: [UUID: String]
        let first: String

        func name(of token: ApiToken) -> String {
            token.organizationID.flatMap { names[$0] } ?? (token.organizationID == nil ? first : "")
        }
    }

    func tokenOrganizations(_ userID: UUID) async throws -> TokenOrganizations {
        let memberships = try await Membership.query(on: req.db).filter(\.$user.$id == userID).with(\.$organization)
            .sort(\.$createdAt).all()
        return TokenOrganizations(
            names: Dictionary(memberships.map { ($0.$organization.id, $0.organization.name) }) { first, _ in first },
            first: memberships.first?.organization.name ?? "")
    }

    /// Moves the request's session to `organizationID`, one of the person's own (404 otherwise,
    /// as for any organization that is not theirs), and remembers it as the one to start in.
    func choose(_ organizationID: UUID, userID: UUID, response: Response, now: Date = Date()) async throws {
        guard let membership = try await Self.membership(of: userID, in: organizationID, on: req.db) else {
            throw ServiceError.notFound
        }
        try await req.db.transaction { db in
            try await Self.remember(membership, at: now, on: db)
            try await SessionIssuer(request: req).move(to: organizationID, response: response, on: db)
        }
        try await req.audit(
            "organization.choose", actor: userID, organization: organizationID, subjectType: "membership",
            subject: membership.id)
    }

    /// The person's membership of `organizationID`, nil when it is not one of theirs.
    static func membership(of userID: UUID, in organizationID: UUID, on db: any Database) async throws -> Membership? {
        try await Membership.query(on: db).filter(\.$user.$id == userID).filter(\.$organization.$id == organizationID)
            .first()
    }

    /// The organization a new session starts in: the one the person last chose, or their first.
    static func starting(for userID: UUID, on db: any Database) async throws -> UUID? {
        let memberships = try await Membership.query(on: db).filter(\.$user.$id == userID).all()
        let chosen = memberships.filter { $0.chosenAt != nil }.max { $0.chosenAt! < $1.chosenAt! }
        let first = memberships.min { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
        return (chosen ?? first)?.$organization.id
    }

    /// Marks `membership` as the one chosen last.
    static func remember(_ membership: Membership, at now: Date, on db: any Database) async throws {
        membership.chosenAt = now
        try await membership.save(on: db)
    }
}
