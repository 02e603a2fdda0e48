import Fluent
import Foundation
import TandemKit
import Vapor

/// Sign-in with e-mail and password, the second-factor step, and sign-out.
struct SigninController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", use: form)
        routes.post("signin", use: submit)
        routes.get("signin", "code", use: codeForm)
        routes.post("signin", "code", use: submitCode)
        routes.post("signout", use: signout)
    }

    struct SigninBody: Encodable, Sendable {
        var email = ""
        var notice: String?
        /// Where to go once signed in (a page that asked for sign-in), or "" for home.
        var next = ""
    }

    struct SigninForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    struct CodeForm: Content {
        var code: String?
        var next: String?
    }

    struct CodeBody: Encodable, Sendable {
        var next = ""
    }

    /// A page of this site to go on to after signing in; nil for home. Only a plain local path
    /// (no open redirect), and never the sign-in pages themselves.
    static func next(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        let path = LanguageController.safeLocalPath(raw)
        return path == "/" || path.hasPrefix("/signin") || path.hasPrefix("/signout") ? nil : path
    }

    @Sendable func form(req: Request) async throws -> Response {
        let next = Self.next(req.query[String.self, at: "next"])
        if await req.optionalSignedIn() != nil { return .redirect(next ?? "/") }
        var notice: String?
        if (try? req.query.get(String.self, at: "ended")) != nil { notice = req.t("signin_session_ended") }
        if (try? req.query.get(String.self, at: "signedout")) != nil { notice = req.t("signin_signed_out") }
        if (try? req.query.get(String.self, at: "reset")) != nil { notice = req.t("signin_password_reset_done") }
        return try await req.page(
            "signin/signin", titleKey: "signin_title", SigninBody(notice: notice, next: next ?? ""))
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let input = (try? req.content.decode(SigninForm.self)) ?? SigninForm()
        let email = String((input.email ?? "").prefix(254))
        let next = Self.next(input.next)
        let body = SigninBody(email: email, next: next ?? "")
        if email.isEmpty || (input.password ?? "").isEmpty {
            let errors = req.fieldErrors([
                ("email", email.isEmpty ? "error_email_missing" : nil),
                ("password", (input.password ?? "").isEmpty ? "error_password_missing" : nil),
            ])
            return try await req.page(
                "signin/signin", titleKey: "signin_title", body, errors: errors, status: .unprocessableEntity)
        }
        switch try await Credentials(request: req).checkPassword(email: email, password: input.password ?? "") {
        case .throttled(let wait):
            let errors = [
                FieldError(field: "email", message: req.t("error_signin_throttled", ["minutes": Self.minutes(wait)]))
            ]
            return try await req.page(
                "signin/signin", titleKey: "signin_title", body, errors: errors, status: .tooManyRequests)
        case .wrong:
            let errors = [FieldError(field: "email", message: req.t("error_signin_wrong"))]
            return try await req.page(
                "signin/signin", titleKey: "signin_title", body, errors: errors, status: .unauthorized)
        case .success(let user):
            let code =
                "/signin/code"
                + (next.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) }.map {
                    "?next=" + $0
                }
                    ?? "")
            let response = Response.redirect(user.twoFactorEnabled ? code : next ?? "/")
            let organization = try await OrganizationChoice.starting(for: user.id!, on: req.db)
            try await SessionIssuer(request: req).start(
                user: user, organizationID: organization, awaitingSecondFactor: user.twoFactorEnabled,
                response: response)
            if !user.twoFactorEnabled {
                try await req.audit("signin", actor: user.id, organization: organization)
                try await rememberLanguage(of: user, on: req, response: response)
            }
            return response
        }
    }

    @Sendable func codeForm(req: Request) async throws -> Response {
        guard let session = req.webSession, session.awaitingSecondFactor else { return .redirect("/signin") }
        return try await req.page(
            "signin/code", titleKey: "signin_code_title",
            CodeBody(next: Self.next(req.query[String.self, at: "next"]) ?? ""))
    }

    @Sendable func submitCode(req: Request) async throws -> Response {
        guard let session = req.webSession, session.awaitingSecondFactor else { return .redirect("/signin") }
        let form = (try? req.content.decode(CodeForm.self)) ?? CodeForm()
        let code = String((form.code ?? "").prefix(32))
        let next = Self.next(form.next)
        let user = try await session.$user.get(on: req.db)
        let outcome: Credentials.SecondFactorOutcome =
            code.isEmpty ? .wrong : try await Credentials(request: req).checkSecondFactor(user: user, code: code)
        switch outcome {
        case .success:
            let response = Response.redirect(next ?? "/")
            try await SessionIssuer(request: req).start(
                user: user, organizationID: session.$organization.id, awaitingSecondFactor: false, response: response)
            try await req.audit("signin", actor: user.id, organization: session.$organization.id)
            try await rememberLanguage(of: user, on: req, response: response)
            return response
        case .throttled(let wait):
            let errors = [
                FieldError(field: "code", message: req.t("error_signin_throttled", ["minutes": Self.minutes(wait)]))
            ]
            return try await req.page(
                "signin/code", titleKey: "signin_code_title", CodeBody(next: next ?? ""), errors: errors,
                status: .tooManyRequests)
        case .wrong:
            let errors = [FieldError(field: "code", message: req.t("error_code_wrong"))]
            return try await req.page(
                "signin/code", titleKey: "signin_code_title", CodeBody(next: next ?? ""), errors: errors,
                status: .unauthorized)
        }
    }

    @Sendable func signout(req: Request) async throws -> Response {
        let response = Response.redirect("/signin?signedout=1")
        if let session = req.webSession {
            try await req.audit("signout", actor: session.$user.id, organization: session.$organization.id)
        }
        try await SessionIssuer(request: req).end(response: response)
        return response
    }

    /// A language chosen before signing in is kept on the account; otherwise the
    /// account's language becomes the page language.
    private func rememberLanguage(of user: User, on req: Request, response: Response) async throws {
        if let chosen = req.cookies[req.cookieName(Localizer.cookieName)]?.string, Language(rawValue: chosen) != nil {
            if chosen != user.language {
                user.language = chosen
                try await user.save(on: req.db)
            }
        } else {
            response.cookies[req.cookieName(Localizer.cookieName)] = LanguageController.cookie(
                user.language, secure: req.settings.secureCookies)
        }
    }

    static func minutes(_ wait: TimeInterval) -> String {
        String(max(1, Int((wait / 60).rounded(.up))))
    }
}
