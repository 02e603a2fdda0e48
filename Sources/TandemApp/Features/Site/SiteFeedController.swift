import Fluent
import Foundation
import TandemKit
import Vapor

/// The public site's Atom feed, and following new articles by e-mail: asking, confirming
/// from the message's link, and unsubscribing.
struct SiteFeedController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("organizations", ":organizationID", "articles.atom", use: feed)
        routes.post("organizations", ":organizationID", "follow", use: follow)
        routes.get("articles.atom", use: singleFeed)
        routes.get("follow", ":token", use: confirmPage)
        routes.post("follow", ":token", use: confirm)
        routes.get("unsubscribe", ":token", use: unsubscribePage)
        routes.post("unsubscribe", ":token", use: unsubscribe)
    }

    // MARK: - Feed

    @Sendable func feed(req: Request) async throws -> Response {
        try await Self.feedResponse(try await SiteController.organization(req), req: req)
    }

    /// `/articles.atom`: the feed of the one organization this server holds.
    @Sendable func singleFeed(req: Request) async throws -> Response {
        let found = try await Organization.query(on: req.db).limit(2).all()
        guard found.count == 1, let organization = found.first else {
            throw Abort(
                .notFound, reason: "This server holds several organizations: use /organizations/{id}/articles.atom")
        }
        return try await Self.feedResponse(organization, req: req)
    }

    static func feedResponse(_ organization: Organization, req: Request) async throws -> Response {
        let articles = try await ArticleService.published(organization.id!, limit: 20, on: req.db)
        let site = req.absoluteURL(SiteController.base(organization))
        let feed = AtomFeed(
            id: "urn:uuid:" + organization.id!.uuidString.lowercased(), title: organization.name, link: site,
            selfLink: site + "/articles.atom",
            updated: articles.map(\.updatedAt).max() ?? organization.createdAt ?? Date(),
            entries: articles.map { article in
                AtomFeed.Entry(
                    id: "urn:uuid:" + article.id!.uuidString.lowercased(), title: article.title,
                    link: site + "/articles/" + article.slug, published: article.publishAt ?? article.createdAt,
                    updated: article.updatedAt, author: article.authorName, summary: article.summary,
                    contentHTML: ArticleMarkdown.html(from: article.body), tags: article.tagList)
            })
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/atom+xml; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: feed.xml))
    }

    // MARK: - Following

    struct FollowForm: Content {
        var follow_email: String?
    }

    struct FollowBody: Encodable, Sendable {
        let kind: String
        let token: String
        let base: String
        let name: String
    }

    @Sendable func follow(req: Request) async throws -> Response {
        let organization = try await SiteController.organization(req)
        let form = (try? req.content.decode(FollowForm.self)) ?? FollowForm()
        do {
            try await SiteService.follow(organization.id!, email: form.follow_email ?? "", req: req)
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "site/follow", titleKey: "follow_title",
                FollowBody(
                    kind: "invalid", token: "", base: SiteController.base(organization), name: organization.name),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
        return try await req.page(
            "site/follow", titleKey: "follow_title",
            FollowBody(kind: "sent", token: "", base: SiteController.base(organization), name: organization.name))
    }

    private func followerPage(_ req: Request, kind: String) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let follower = try await SiteService.follower(token: token, on: req.db),
            let organization = try await Organization.find(follower.organizationID, on: req.db)
        else { throw Abort(.notFound) }
        return try await req.page(
            "site/follow", titleKey: "follow_title",
            FollowBody(kind: kind, token: token, base: SiteController.base(organization), name: organization.name))
    }

    /// The link in the message shows a button: a mail scanner opening the link confirms nothing.
    @Sendable func confirmPage(req: Request) async throws -> Response {
        try await followerPage(req, kind: "confirm")
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let follower = try await SiteService.confirm(token: req.parameters.get("token") ?? "", on: req.db)
        guard let organization = try await Organization.find(follower.organizationID, on: req.db) else {
            throw Abort(.notFound)
        }
        return try await req.page(
            "site/follow", titleKey: "follow_title",
            FollowBody(kind: "confirmed", token: "", base: SiteController.base(organization), name: organization.name))
    }

    @Sendable func unsubscribePage(req: Request) async throws -> Response {
        try await followerPage(req, kind: "unsubscribe")
    }

    /// One click: the form on the page, or a mail program's own button (RFC 8058) posting here.
    @Sendable func unsubscribe(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let follower = try await SiteService.follower(token: token, on: req.db),
            let organization = try await Organization.find(follower.organizationID, on: req.db)
        else { throw Abort(.notFound) }
        try await SiteService.unsubscribe(token: token, on: req.db)
        return try await req.page(
            "site/follow", titleKey: "follow_title",
            FollowBody(
                kind: "unsubscribed", token: "", base: SiteController.base(organization), name: organization.name))
    }
}
