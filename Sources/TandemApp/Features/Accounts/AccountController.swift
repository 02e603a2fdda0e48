import Fluent
import Foundation
import TandemKit
import Vapor

/// A person's own security page: password, two-factor sign-in and API tokens.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("account")
        account.get("security", use: security)
        account.get("password", use: passwordForm)
        account.post("password", use: changePassword)
        account.get("two-factor", use: twoFactor)
        account.post("two-factor", use: confirmTwoFactor)
        account.post("two-factor", "disable", use: disableTwoFactor)
        account.post("tokens", ":tokenID", "revoke", use: revokeToken)
    }

    struct TokenRow: Encodable, Sendable {
        let id: String
        let name: String
        let created: String
        let expires: String
        let lastUsed: String?
    }

    struct SecurityBody: Encodable, Sendable {
        let email: String
        let twoFactorEnabled: Bool
        let recoveryCodesLeft: Int
        let tokens: [TokenRow]
        let notice: String?
    }

    @Sendable func security(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        return try await req.page(
            "accounts/security", titleKey: "security_title", try await securityBody(actor, req: req, notice: nil))
    }

    private func securityBody(_ actor: SignedIn, req: Request, notice: String?) async throws -> SecurityBody {
        let now = Date()
        let tokens = try await ApiToken.query(on: req.db).filter(\.$user.$id == actor.userID)
            .filter(\.$revokedAt == nil).filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
        let formatter = DateFormatter.tandemShort(req.language, timeZone: actor.organization.timeZone)
        return SecurityBody(
            email: actor.user.email, twoFactorEnabled: actor.user.twoFactorEnabled,
            recoveryCodesLeft: try await TwoFactor(db: req.db).unusedRecoveryCodes(actor.user),
            tokens: tokens.map {
                TokenRow(
                    id: $0.id!.uuidString, name: $0.name, created: formatter.string(from: $0.createdAt ?? now),
                    expires: formatter.string(from: $0.expiresAt), lastUsed: $0.lastUsedAt.map(formatter.string(from:)))
            }, notice: notice)
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
        guard try await req.accounts.verify(input.current_password ?? "", of: actor.user) else {
            try await req.audit("password.change", outcome: .failure)
            return try await req.page(
                "accounts/password", titleKey: "password_title", PasswordBody(done: false),
                errors: req.fieldErrors([("current_password", "error_current_password_wrong")]),
                status: .unprocessableEntity)
        }
        do {
            try await req.accounts.setPassword(actor.user, to: input.new_password ?? "")
        } catch let invalid as AccountService.Invalid {
            return try await req.page(
                "accounts/password", titleKey: "password_title", PasswordBody(done: false),
                errors: req.fieldErrors(invalid), status: .unprocessableEntity)
        }
        try await SessionIssuer(request: req).endOthers(of: actor.userID)
        try await req.audit("password.change")
        return try await req.page("accounts/password", titleKey: "password_title", PasswordBody(done: true))
    }

    struct TwoFactorBody: Encodable, Sendable {
        var enabled: Bool
        var required: Bool
        var secret: String?
        var otpauth: String?
        var recoveryCodes: [String]?
        var canDisable: Bool
    }

    struct CodeForm: Content {
        var code: String?
        var current_password: String?
    }

    @Sendable func twoFactor(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        return try await req.page(
            "accounts/two-factor", titleKey: "two_factor_title", try await twoFactorBody(actor, req: req))
    }

    private func twoFactorBody(_ actor: SignedIn, req: Request, codes: [String]? = nil) async throws -> TwoFactorBody {
        let required = actor.organization.requireStaffTwoFactor && actor.role.isStaff
        var body = TwoFactorBody(
            enabled: actor.user.twoFactorEnabled, required: required, recoveryCodes: codes, canDisable: !required)
        if !actor.user.twoFactorEnabled {
            let secret = try await TwoFactor(db: req.db).begin(actor.user)
            body.secret = stride(from: 0, to: secret.count, by: 4).map { offset in
                let start = secret.index(secret.startIndex, offsetBy: offset)
                return String(
                    secret[start..<(secret.index(start, offsetBy: 4, limitedBy: secret.endIndex) ?? secret.endIndex)])
            }.joined(separator: " ")
            body.otpauth = TOTP(secret: Base32.decode(secret) ?? []).provisioningURI(
                issuer: "Tandem (\(actor.organization.name))", account: actor.user.email)
        }
        return body
    }

    @Sendable func confirmTwoFactor(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let code = String(((try? req.content.decode(CodeForm.self))?.code ?? "").prefix(32))
        guard !actor.user.twoFactorEnabled, let codes = try await TwoFactor(db: req.db).confirm(actor.user, code: code)
        else {
            return try await req.page(
                "accounts/two-factor", titleKey: "two_factor_title", try await twoFactorBody(actor, req: req),
                errors: req.fieldErrors([("code", "error_code_wrong")]), status: .unprocessableEntity)
        }
        try await req.audit("two_factor.enable")
        return try await req.page(
            "accounts/two-factor", titleKey: "two_factor_title", try await twoFactorBody(actor, req: req, codes: codes))
    }

    @Sendable func disableTwoFactor(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let input = (try? req.content.decode(CodeForm.self)) ?? CodeForm()
        if actor.organization.requireStaffTwoFactor && actor.role.isStaff { throw Abort(.forbidden) }
        guard try await req.accounts.verify(input.current_password ?? "", of: actor.user) else {
            return try await req.page(
                "accounts/two-factor", titleKey: "two_factor_title", try await twoFactorBody(actor, req: req),
                errors: req.fieldErrors([("current_password", "error_current_password_wrong")]),
                status: .unprocessableEntity)
        }
        try await TwoFactor(db: req.db).disable(actor.user)
        try await req.audit("two_factor.disable")
        return .redirect("/account/security")
    }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        guard let id = req.parameters.get("tokenID", as: UUID.self),
            let token = try await ApiToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == actor.userID)
                .first()
        else { throw Abort(.notFound) }
        token.revokedAt = Date()
        try await token.save(on: req.db)
        try await req.audit("api_token.revoke", subjectType: "api_token", subject: id)
        return .redirect("/account/security")
    }
}

extension DateFormatter {
    static func tandemShort(_ language: Language, timeZone: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Foundation.Locale(identifier: language == .es ? "es_US" : "en_US")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        return formatter
    }
}
