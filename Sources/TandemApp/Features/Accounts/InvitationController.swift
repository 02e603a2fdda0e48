import Fluent
import Foundation
import TandemKit
import Vapor

/// Accepting an invitation, and setting a new password through a reset link.
struct InvitationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("invite", ":token", use: inviteForm)
        routes.post("invite", ":token", use: accept)
        routes.get("reset", ":token", use: resetForm)
        routes.post("reset", ":token", use: reset)
    }

    struct InviteBody: Encodable, Sendable {
        var token: String
        var email: String
        var organizationName: String
        var role: String
        var hasAccount: Bool
        var displayName = ""
    }

    struct InviteForm: Content {
        var display_name: String?
        var password: String?
    }

    struct ResetBody: Encodable, Sendable {
        var token: String
    }

    struct ResetForm: Content {
        var new_password: String?
    }

    /// An invitation to a person's own record speaks the language their coach noted for them,
    /// unless they chose one here; the account they make keeps it.
    private func useInviteeLanguage(_ link: OneTimeLink, req: Request) async throws {
        guard req.cookies[req.cookieName(Localizer.cookieName)] == nil, let id = link.$participant.id,
            let participant = try await Participant.find(id, on: req.db),
            let language = Language(rawValue: participant.language)
        else { return }
        req.language = language
    }

    @Sendable func inviteForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let link = try await req.accounts.findLink(token, purpose: .invitation) else {
            return try await req.linkGonePage()
        }
        try await useInviteeLanguage(link, req: req)
        return try await req.page(
            "accounts/invite", titleKey: Self.titleKey(link), try await body(link, token: token, req: req))
    }

    @Sendable func accept(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let link = try await req.accounts.findLink(token, purpose: .invitation) else {
            return try await req.linkGonePage()
        }
        let input = (try? req.content.decode(InviteForm.self)) ?? InviteForm()
        try await useInviteeLanguage(link, req: req)
        do {
            let user = try await req.accounts.accept(
                link, displayName: input.display_name ?? "", password: input.password ?? "", language: req.language,
                checkExisting: Credentials.existingAccountCheck(req))
            try await req.audit(
                "invitation.accept", actor: user.id, organization: link.$organization.id, subjectType: "user",
                subject: user.id, participant: link.$participant.id)
            let response = Response.redirect("/")
            try await SessionIssuer(request: req).start(
                user: user, organizationID: link.$organization.id, awaitingSecondFactor: user.twoFactorEnabled,
                response: response)
            if user.twoFactorEnabled { response.headers.replaceOrAdd(name: .location, value: "/signin/code") }
            return response
        } catch is AccountService.LinkGone {
            return try await req.linkGonePage()
        } catch let invalid as AccountService.Invalid {
            var body = try await body(link, token: token, req: req)
            body.displayName = input.display_name ?? ""
            return try await req.page(
                "accounts/invite", titleKey: Self.titleKey(link), body,
                errors: req.fieldErrors(invalid),
                status: .unprocessableEntity)
        }
    }

    @Sendable func resetForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard try await req.accounts.findLink(token, purpose: .passwordReset) != nil else {
            return try await req.linkGonePage()
        }
        return try await req.page("accounts/reset", titleKey: "reset_title", ResetBody(token: token))
    }

    @Sendable func reset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let link = try await req.accounts.findLink(token, purpose: .passwordReset),
            let user = try await link.$user.get(on: req.db),
            // A reset link is issued by one organization; it lapses if the person has left it.
            try await Membership.query(on: req.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id == link.$organization.id ?? UUID()).first() != nil
        else { return try await req.linkGonePage() }
        let input = (try? req.content.decode(ResetForm.self)) ?? ResetForm()
        do {
            try await req.accounts.setPassword(user, to: input.new_password ?? "", claiming: link)
            try await SessionIssuer(request: req).credentialsChanged(for: user.id!, keepingCurrent: false)
            try await req.audit(
                "password.reset", actor: user.id, organization: link.$organization.id, subjectType: "user",
                subject: user.id)
            return .redirect("/signin?reset=1")
        } catch is AccountService.LinkGone {
            return try await req.linkGonePage()
        } catch let invalid as AccountService.Invalid {
            return try await req.page(
                "accounts/reset", titleKey: "reset_title", ResetBody(token: token),
                errors: req.fieldErrors(invalid), status: .unprocessableEntity)
        }
    }

    /// A person invited to their own record is joining their coach, not a team.
    static func titleKey(_ link: OneTimeLink) -> String {
        link.role?.hasOwnRecord == true ? "invite_title_own" : "invite_title"
    }

    private func body(_ link: OneTimeLink, token: String, req: Request) async throws -> InviteBody {
        let organization = try await link.$organization.get(on: req.db)
        let hasAccount = try await User.query(on: req.db).filter(\.$email == (link.email ?? "")).first() != nil
        return InviteBody(
            token: token, email: link.email ?? "", organizationName: organization?.name ?? "",
            role: req.t("role_" + (link.role?.rawValue ?? "participant")), hasAccount: hasAccount)
    }
}
