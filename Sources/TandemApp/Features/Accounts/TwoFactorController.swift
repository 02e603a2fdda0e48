import Fluent
import Foundation
import TandemKit
import Vapor

/// Turning two-factor sign-in on and off. Set-up starts with a POST (no state changes on
/// GET), shows the secret and its `otpauth://` link, and is confirmed with a code.
struct TwoFactorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let twoFactor = routes.grouped("account", "two-factor")
        twoFactor.get(use: show)
        twoFactor.post("start", use: start)
        twoFactor.post(use: confirm)
        twoFactor.post("disable", use: disable)
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

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        return try await render(actor, req: req)
    }

    @Sendable func start(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        guard !actor.user.twoFactorEnabled else { return .redirect("/account/two-factor") }
        _ = try await TwoFactor(db: req.db).begin(actor.user)
        return try await render(actor, req: req, showSecret: true)
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let code = String(((try? req.content.decode(CodeForm.self))?.code ?? "").prefix(32))
        guard !actor.user.twoFactorEnabled, let codes = try await TwoFactor(db: req.db).confirm(actor.user, code: code)
        else {
            return try await render(
                actor, req: req, showSecret: true, errors: req.fieldErrors([("code", "error_code_wrong")]),
                status: .unprocessableEntity)
        }
        try await SessionIssuer(request: req).credentialsChanged(for: actor.userID)
        try await req.audit("two_factor.enable")
        return try await render(actor, req: req, codes: codes)
    }

    @Sendable func disable(req: Request) async throws -> Response {
        let actor = try await req.signedIn(enforceTwoFactor: false)
        let input = (try? req.content.decode(CodeForm.self)) ?? CodeForm()
        if actor.organization.requireStaffTwoFactor && actor.role.isStaff { throw Abort(.forbidden) }
        if let errors = try await req.currentPasswordErrors(actor, input.current_password) {
            return try await render(actor, req: req, errors: errors, status: .unprocessableEntity)
        }
        try await TwoFactor(db: req.db).disable(actor.user)
        try await SessionIssuer(request: req).credentialsChanged(for: actor.userID)
        try await req.audit("two_factor.disable")
        return .redirect("/account/security")
    }

    private func render(
        _ actor: SignedIn, req: Request, showSecret: Bool = false, codes: [String]? = nil, errors: [FieldError] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let required = actor.organization.requireStaffTwoFactor && actor.role.isStaff
        var body = TwoFactorBody(
            enabled: actor.user.twoFactorEnabled, required: required, recoveryCodes: codes, canDisable: !required)
        if showSecret, !actor.user.twoFactorEnabled, let secret = actor.user.totpPendingSecret {
            // Groups of four are easier to type into an authenticator app.
            body.secret = stride(from: 0, to: secret.count, by: 4).map { offset in
                let start = secret.index(secret.startIndex, offsetBy: offset)
                let end = secret.index(start, offsetBy: 4, limitedBy: secret.endIndex) ?? secret.endIndex
                return String(secret[start..<end])
            }.joined(separator: " ")
            body.otpauth = TOTP(secret: Base32.decode(secret) ?? []).provisioningURI(
                issuer: "Tandem (\(actor.organization.name))", account: actor.user.email)
        }
        return try await req.page(
            "accounts/two-factor", titleKey: "two_factor_title", body, errors: errors, status: status)
    }
}
