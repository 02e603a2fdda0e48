import Fluent
import Foundation
import TandemKit
import Vapor

/// The first-run page, reached through the one-time link printed at start-up: the first
/// person creates the organization and their admin account.
struct SetupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("setup", ":token", use: form)
        routes.post("setup", ":token", use: submit)
    }

    struct SetupBody: Encodable, Sendable {
        var token: String
        var orgName = ""
        var displayName = ""
        var email = ""
    }

    struct SetupForm: Content {
        var org_name: String?
        var display_name: String?
        var email: String?
        var password: String?
    }

    @Sendable func form(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard try await req.accounts.findLink(token, purpose: .setup) != nil else {
            return try await req.linkGonePage()
        }
        return try await req.page("setup/setup", titleKey: "setup_title", SetupBody(token: token))
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let link = try await req.accounts.findLink(token, purpose: .setup) else {
            return try await req.linkGonePage()
        }
        let input = (try? req.content.decode(SetupForm.self)) ?? SetupForm()
        let body = SetupBody(
            token: token, orgName: input.org_name ?? "", displayName: input.display_name ?? "", email: input.email ?? ""
        )
        do {
            let (organization, user) = try await req.accounts.createOrganization(
                name: body.orgName, adminName: body.displayName, email: body.email, password: input.password ?? "",
                checkExisting: Credentials.existingAccountCheck(req), claiming: link)
            try await req.audit(
                "organization.create", actor: user.id, organization: organization.id, subjectType: "organization",
                subject: organization.id)
            let response = Response.redirect("/")
            try await SessionIssuer(request: req).start(
                user: user, organizationID: organization.id, awaitingSecondFactor: false, response: response)
            return response
        } catch is AccountService.LinkGone {
            return try await req.linkGonePage()
        } catch let invalid as AccountService.Invalid {
            return try await req.page(
                "setup/setup", titleKey: "setup_title", body,
                errors: req.fieldErrors(invalid),
                status: .unprocessableEntity)
        }
    }
}
