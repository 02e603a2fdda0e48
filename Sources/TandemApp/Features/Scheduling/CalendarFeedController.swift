import Foundation
import TandemKit
import Vapor

/// The calendar feed page (make, replace or turn off one's private address and choose what
/// it shows) and the feed itself, read by calendar apps without a session.
struct CalendarFeedController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "calendar", use: page)
        routes.post("account", "calendar", use: change)
        routes.get("calendar", ":token", use: feed)
    }

    struct Body: Encodable, Sendable {
        let hasFeed: Bool
        let details: [CheckOption]
        /// The new address, shown once, right after it is made.
        let address: String?
        let lastUsed: String?
        let revoked: Bool
    }

    @Sendable func page(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let feed = try await CalendarFeedService(req, actor: actor.actor).current()
        return try await render(req: req, actor: actor, feed: feed, address: nil, revoked: false)
    }

    func render(
        req: Request, actor: SignedIn, feed: CalendarFeed?, address: String?, revoked: Bool,
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let chosen = feed?.detail ?? .times
        return try await req.page(
            "accounts/calendar", titleKey: "calendar_title",
            Body(
                hasFeed: feed != nil,
                details: CalendarFeedDetail.allCases.map {
                    CheckOption(
                        value: $0.rawValue, label: req.t("calendar_detail_" + $0.rawValue), checked: $0 == chosen)
                }, address: address,
                lastUsed: feed?.lastUsedAt.map { req.dateTime($0, organization: actor.organization) },
                revoked: revoked),
            errors: errors, status: status)
    }

    struct ChangeForm: Content {
        var action: String?
        var detail: String?
    }

    @Sendable func change(req: Request) async throws -> Response {
        let actor = try await req.signedIn()
        let form = (try? req.content.decode(ChangeForm.self)) ?? ChangeForm()
        let service = CalendarFeedService(req, actor: actor.actor)
        if form.action == "revoke" {
            try await service.revoke()
            return try await render(req: req, actor: actor, feed: nil, address: nil, revoked: true)
        }
        do {
            let token = try await service.create(detail: form.detail ?? "")
            return try await render(
                req: req, actor: actor, feed: try await service.current(),
                address: req.absoluteURL("/calendar/\(token).ics"), revoked: false)
        } catch ServiceError.invalid(let problems) {
            return try await render(
                req: req, actor: actor, feed: try await service.current(), address: nil, revoked: false,
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func feed(req: Request) async throws -> Response {
        var token = req.parameters.get("token") ?? ""
        if token.hasSuffix(".ics") { token.removeLast(4) }
        guard let text = try await CalendarFeedService.document(token: token, req: req) else {
            throw Abort(.notFound)
        }
        return .text(text, subType: "calendar")
    }
}
