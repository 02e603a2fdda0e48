import Fluent
import Foundation
import TandemKit
import Vapor

/// The home page after sign-in, the crisis page, and the language switch.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("crisis", use: crisis)
    }

    struct HomeBody: Encodable, Sendable {
        let name: String
        let role: String
        let isAdmin: Bool
        let isStaff: Bool
        /// A treatment center's liaison: their work starts with referring someone.
        let isPartner: Bool
        let twoFactorEnabled: Bool
    }

    @Sendable func home(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        if actor.role.isStaff { return try await CaseloadPages.caseload(actor, req: req) }
        if actor.role.hasOwnRecord { return try await CaseloadPages.participantHome(actor, req: req) }
        return try await req.page(
            "home", titleKey: "home_title",
            HomeBody(
                name: actor.user.displayName, role: req.t("role_" + actor.role.rawValue), isAdmin: actor.role == .admin,
                isStaff: actor.role.isStaff, isPartner: actor.role == .partner,
                twoFactorEnabled: actor.user.twoFactorEnabled))
    }

    struct CrisisBody: Encodable, Sendable {
        let line: String
        let text: String?
    }

    @Sendable func crisis(req: Request) async throws -> Response {
        let actor = await req.optionalSignedIn()
        return try await req.page(
            "crisis", titleKey: "crisis_title",
            CrisisBody(line: actor?.organization.crisisLine ?? "988", text: actor?.organization.crisisText))
    }
}

struct LanguageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("language", use: choose)
    }

    struct LanguageForm: Content {
        var lang: String?
        var back: String?
    }

    static func cookie(_ value: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: 60 * 60 * 24 * 365, domain: nil, path: "/", isSecure: secure,
            isHTTPOnly: true, sameSite: .lax)
    }

    /// `path` when it is a plain path on this site, else "/". Only visible ASCII without
    /// backslashes, starting with one slash: browsers drop tabs and newlines from URLs, so
    /// "/\t/evil.example" would otherwise become "//evil.example", another site.
    static func safeLocalPath(_ path: String?) -> String {
        guard let path, path.count <= 300, path.hasPrefix("/"), !path.hasPrefix("//"),
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return "/" }
        return path
    }

    /// Stores the choice in a cookie (and on the account when signed in) and goes back
    /// to the same page; only local paths are followed, so this is no open redirect.
    @Sendable func choose(req: Request) async throws -> Response {
        let input = (try? req.content.decode(LanguageForm.self)) ?? LanguageForm()
        guard let language = Language(rawValue: input.lang ?? "") else { throw Abort(.badRequest) }
        let back = Self.safeLocalPath(input.back)
        let response = Response.redirect(back)
        response.cookies[req.cookieName(Localizer.cookieName)] = Self.cookie(
            language.rawValue, secure: req.settings.secureCookies)
        if let actor = await req.optionalSignedIn() {
            actor.user.language = language.rawValue
            try await actor.user.save(on: req.db)
        }
        return response
    }
}
