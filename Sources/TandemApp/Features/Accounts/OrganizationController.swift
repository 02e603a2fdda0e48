import Foundation
import TandemKit
import Vapor

/// The page where a person in several organizations chooses the one to work in
/// (`OrganizationChoice`). Two-factor set-up is not asked first: moving to an organization
/// that does not require it must stay possible, and the next page of one that does asks.
struct OrganizationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "organizations", use: list)
        routes.post("account", "organizations", ":organizationID", use: choose)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let role: String
        let current: Bool
    }

    struct ListBody: Encodable, Sendable {
        let organizations: [Row]
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let options = try await OrganizationChoice(req: req).options(for: actor.userID)
        return try await req.page(
            "accounts/organizations", titleKey: "organizations_title",
            ListBody(
                organizations: options.map {
                    Row(
                        id: $0.organizationID.uuidString, name: $0.name, role: req.t("role_" + $0.role.rawValue),
                        current: $0.organizationID == actor.organizationID)
                }))
    }

    @Sendable func choose(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let response = Response.redirect("/")
        try await OrganizationChoice(req: req).choose(
            try req.id("organizationID"), userID: actor.userID, response: response)
        return response
    }
}
