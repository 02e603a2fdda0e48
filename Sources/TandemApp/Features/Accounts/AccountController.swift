import Fluent
import Foundation
import TandemKit
import Vapor

/// A person's own security page: password and API tokens (two-factor has its own controller).
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("account")
        account.get("security", use: security)
        account.get("password", use: passwordForm)
        account.post("password", use: changePassword)
        account.get("tokens", ":tokenID", "revoke", use: confirmRevokeToken)
        account.post("tokens", ":tokenID", "revoke", use: revokeToken)
    }

    struct TokenRow: Encodable, Sendable {
        let id: String
        let name: String
        let created: String
        let expires: String
        let lastUsed: String?
        /// The organization the token acts in, shown to someone in several.
        let organization: String?
    }

    struct SecurityBody: Encodable, Sendable {
        let email: String
        let twoFactorEnabled: Bool
        let recoveryCodesLeft: Int
        let tokens: [TokenRow]
        let showsOrganization: Bool
        let notice: String?
    }

    @Sendable func security(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        return try await req.page(
            "accounts/security", titleKey: "security_title", try await securityBody(actor, req: req, notice: nil))
    }

    private func securityBody(_ actor: SignedIn, req: Request, notice: String?) async throws -> SecurityBody {
        let now = Date()
        let tokens = try await ApiTokenService(db: req.db, userID: actor.userID).inUse(now: now)
        let names =
            actor.organizationCount > 1 ? try await OrganizationChoice(req: req).tokenOrganizations(actor.userID) : nil
        let formatter = DateFormatter.tandemShort(req.language, timeZone: actor.organization.timeZone)
        return SecurityBody(
            email: actor.user.email, twoFactorEnabled: actor.user.twoFactorEnabled,
            recoveryCodesLeft: try await TwoFactor(db: req.db).unusedRecoveryCodes(actor.user),
            tokens: tokens.map {
                TokenRow(
                    id: $0.id!.uuidString, name: $0.name, created: formatter.string(from: $0.createdAt ?? now),
                    expires: formatter.string(from: $0.expiresAt), lastUsed: $0.lastUsedAt.map(formatter.string(from:)),
                    organization: names?.name(of: $0))
            }, showsOrganization: names != nil, notice: notice)
    }

    struct PasswordForm: Content {
        var current_password: String?
        var new_password: String?
    }

    struct PasswordBody: Encodable, Sendable {
        let done: Bool
    }

    @Sendable func passwordForm(req: Request) async throws -> Response {
        _ = try await req.signedIn()
        return try await req.page("accounts/password", titleKey: "password_title", PasswordBody(done: false))
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let input = (try? req.content.decode(PasswordForm.self)) ?? PasswordForm()
        if let errors = try await req.currentPasswordErrors(actor, input.current_password) {
            return try await req.page(
                "accounts/password", titleKey: "password_title", PasswordBody(done: false), errors: errors,
                status: .unprocessableEntity)
        }
        do {
            try await req.accounts.setPassword(actor.user, to: input.new_password ?? "")
        } catch let invalid as AccountService.Invalid {
            return try await req.page(
                "accounts/password", titleKey: "password_title", PasswordBody(done: false),
                errors: req.fieldErrors(invalid), status: .unprocessableEntity)
        }
        try await SessionIssuer(request: req).credentialsChanged(for: actor.userID)
        try await req.audit("password.change")
        return try await req.page("accounts/password", titleKey: "password_title", PasswordBody(done: true))
    }

    struct RevokeTokenBody: Encodable, Sendable {
        let id: String
        let intro: String
    }

    /// Revoking is a danger button: it asks on a page of its own, naming the token, before
    /// the programs that use it stop working.
    @Sendable func confirmRevokeToken(req: Request) async throws -> Response {
        guard let (token, _) = try await revocableToken(req) else { return .redirect("/account/security") }
        return try await req.page(
            "accounts/revoke-token", titleKey: "tokens_revoke_title",
            RevokeTokenBody(id: token.id!.uuidString, intro: req.t("tokens_revoke_intro", ["name": token.name])))
    }

    /// A token already revoked (a second press, an old tab) leads back to the security page
    /// with nothing changed; another person's token is not found.
    @Sendable func revokeToken(req: Request) async throws -> Response {
        guard let (token, tokens) = try await revocableToken(req) else { return .redirect("/account/security") }
        if try await tokens.revoke(token) {
            try await req.audit("api_token.revoke", subjectType: "api_token", subject: token.id)
        }
        return .redirect("/account/security")
    }

    /// The signed-in person's token named in the path while it can still be revoked; nil once
    /// it is; not found when it is not theirs.
    private func revocableToken(_ req: Request) async throws -> (ApiToken, ApiTokenService)? {
        let actor = try await req.signedIn()
        let tokens = ApiTokenService(db: req.db, userID: actor.userID)
        let id = try req.id("tokenID")
        if let token = try await tokens.revocable(id) { return (token, tokens) }
        guard try await tokens.owns(id) else { throw Abort(.notFound) }
        return nil
    }
}

extension Request {
    /// Errors for the "current password" field, or nil when it is right. Throttled like sign-in.
    func currentPasswordErrors(_ actor: SignedIn, _ password: String?) async throws -> [FieldError]? {
        switch try await Credentials(request: self).checkCurrentPassword(of: actor.user, password: password ?? "") {
        case .success:
            return nil
        case .wrong:
            return fieldErrors([("current_password", "error_current_password_wrong")])
        case .throttled(let wait):
            return [
                FieldError(
                    field: "current_password",
                    message: t("error_signin_throttled", ["minutes": SigninController.minutes(wait)]))
            ]
        }
    }
}

extension DateFormatter {
    /// `seconds` adds them to the time (the audit log, where the order of close events matters).
    static func tandemShort(_ language: Language, timeZone: String, seconds: Bool = false) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Foundation.Locale(identifier: language == .es ? "es_US" : "en_US")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        if language == .es {
            // US Spanish puts the month first like English ("nov 30, 2026"); Spanish readers
            // expect the day first, with the 12-hour clock used in the US: "30 nov 2026, 9:13 a.m.".
            formatter.dateFormat = seconds ? "d MMM y, h:mm:ss a" : "d MMM y, h:mm a"
        } else {
            formatter.dateStyle = .medium
            formatter.timeStyle = seconds ? .medium : .short
        }
        return formatter
    }
}
