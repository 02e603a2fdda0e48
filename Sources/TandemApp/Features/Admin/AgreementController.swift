import Foundation
import TandemKit
import Vapor

/// The admin's page for the contract for engagement: the current text to edit (saving
/// makes a new version) and the versions so far.
struct AgreementController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "agreement", use: form)
        routes.post("admin", "agreement", use: publish)
    }

    struct VersionRow: Encodable, Sendable {
        let version: Int
        let when: String
    }

    struct Body: Encodable, Sendable {
        let text: String
        let textEs: String
        let version: Int
        let versions: [VersionRow]
        let saved: Bool
    }

    func body(
        _ actor: Actor, req: Request, text: String? = nil, textEs: String? = nil, saved: Bool = false
    ) async throws -> Body {
        let versions = try await AgreementService(req, actor: actor).versions()
        return Body(
            text: text ?? versions.first?.text ?? "", textEs: textEs ?? versions.first?.textEs ?? "",
            version: versions.first?.version ?? 1,
            versions: versions.map {
                VersionRow(
                    version: $0.version,
                    when: $0.createdAt.map { req.dateTime($0, organization: actor.organization) } ?? "")
            }, saved: saved)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let actor = try await req.authorize(.editSettings).actor
        return try await req.page("admin/agreement", titleKey: "agreement_admin_title", try await body(actor, req: req))
    }

    struct Form: Content {
        var text: String?
        var text_es: String?
    }

    @Sendable func publish(req: Request) async throws -> Response {
        let actor = try await req.authorize(.editSettings).actor
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let text = form.text ?? ""
        do {
            _ = try await AgreementService(req, actor: actor).publish(text, spanish: form.text_es ?? "")
            return try await req.page(
                "admin/agreement", titleKey: "agreement_admin_title", try await body(actor, req: req, saved: true))
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "admin/agreement", titleKey: "agreement_admin_title",
                try await body(actor, req: req, text: text, textEs: form.text_es),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
