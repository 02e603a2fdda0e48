import Crypto
import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The organization's public site, read without signing in: its home, and articles with
/// their tags, comments and ratings. The feed and following are `SiteFeedController`.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let site = routes.grouped("organizations", ":organizationID")
        site.get(use: home)
        site.get("articles", use: list)
        site.get("articles", ":slug", use: article)
        site.get("tags", ":tag", use: tag)
        site.post("articles", ":slug", "comments", use: comment)
        site.post("articles", ":slug", "rating", use: rate)
        site.post("comments", ":commentID", "report", use: report)
    }

    static let pageSize = 10

    struct Card: Encodable, Sendable {
        let href: String
        let title: String
        let summary: String
        let date: String
        let minutes: String
        let tags: [TagLink]
        let language: String
        /// "En español" on an English page, "In English" on a Spanish one.
        let otherLanguage: String?
    }

    struct TagLink: Encodable, Sendable {
        let name: String
        let href: String
    }

    static func organization(_ req: Request) async throws -> Organization {
        guard let organization = try await Organization.find(try req.id("organizationID"), on: req.db) else {
            throw Abort(.notFound)
        }
        req.publicOrganization = organization
        return organization
    }

    static func base(_ organization: Organization) -> String { "/organizations/\(organization.id!.uuidString)" }

    static func card(_ article: Article, organization: Organization, req: Request) -> Card {
        let zone = TimeZone(identifier: organization.timeZone) ?? .gmt
        return Card(
            href: base(organization) + "/articles/" + article.slug, title: article.title, summary: article.summary,
            date: article.publishAt.map { CalendarDate($0, in: zone).written(req.messages) } ?? "",
            minutes: req.t("article_minutes", ["minutes": String(ReadingTime.minutes(article.body))]),
            tags: article.tagList.map { TagLink(name: $0, href: base(organization) + "/tags/" + $0) },
            language: article.language,
            otherLanguage: article.language == req.language.rawValue ? nil : req.t("article_in_" + article.language))
    }

    // MARK: - Home

    struct HomeBody: Encodable, Sendable {
        let name: String
        let base: String
        let mission: String
        let reach: String
        let crisisLine: String
        let services: [String]
        let programs: [TagLink]
        let meetingsHref: String?
        let articles: [Card]
        let hasMore: Bool
    }

    @Sendable func home(req: Request) async throws -> Response {
        let organization = try await Self.organization(req)
        let id = organization.id!
        let settings = try await SiteService.settings(id, on: req.db)
        let articles = try await ArticleService.published(id, limit: 6, on: req.db)
        let services = try await Self.services(of: id, on: req.db)
        let programs = try await Program.query(on: req.db).filter(\.$organizationID == id)
            .filter(\.$published == true).sort(\.$title).limit(20).all()
        return try await req.page(
            "site/home", titleKey: "site_title",
            HomeBody(
                name: organization.name, base: Self.base(organization), mission: settings.mission,
                reach: settings.reach, crisisLine: organization.crisisLine,
                services: ServiceType.allCases.filter(services.contains).map { req.t("service_" + $0.rawValue) },
                programs: programs.map { TagLink(name: $0.title, href: "/programs/\($0.id!.uuidString)") },
                meetingsHref: try await MeetingSettings.publicFinder(of: id, on: req.db)
                    ? Self.base(organization) + "/meetings" : nil,
                articles: articles.prefix(5).map { Self.card($0, organization: organization, req: req) },
                hasMore: articles.count > 5))
    }

    /// The kinds of support the organization gives: one row per kind, never a count or a person.
    static func services(of organizationID: UUID, on db: any Database) async throws -> Set<ServiceType> {
        guard let sql = db as? any SQLDatabase else { return [] }
        return Set(
            try await sql.raw(
                "SELECT DISTINCT service_type FROM engagements WHERE organization_id = \(bind: organizationID)"
            ).all().compactMap { ServiceType(rawValue: try $0.decode(column: "service_type", as: String.self)) })
    }

    // MARK: - Lists

    struct ListBody: Encodable, Sendable {
        let name: String
        let base: String
        let tag: String?
        let articles: [Card]
        let previous: String?
        let next: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await listPage(req: req, tag: nil)
    }

    @Sendable func tag(req: Request) async throws -> Response {
        let tag = ArticleSlug.make(req.parameters.get("tag") ?? "", limit: 40)
        guard !tag.isEmpty else { throw Abort(.notFound) }
        return try await listPage(req: req, tag: tag)
    }

    private func listPage(req: Request, tag: String?) async throws -> Response {
        let organization = try await Self.organization(req)
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 10_000))
        let total = try await ArticleService.publishedCount(organization.id!, tag: tag, on: req.db)
        let articles = try await ArticleService.published(
            organization.id!, tag: tag, limit: Self.pageSize, offset: (page - 1) * Self.pageSize, on: req.db)
        let here = Self.base(organization) + (tag.map { "/tags/" + $0 } ?? "/articles")
        return try await req.page(
            "site/articles", titleKey: tag == nil ? "articles_all" : "articles_tagged",
            ListBody(
                name: organization.name, base: Self.base(organization), tag: tag,
                articles: articles.map { Self.card($0, organization: organization, req: req) },
                previous: page > 1 ? here + "?page=\(page - 1)" : nil,
                next: page * Self.pageSize < total ? here + "?page=\(page + 1)" : nil))
    }

    // MARK: - One article

    struct CommentRow: Encodable, Sendable {
        let id: String
        let name: String
        let date: String
        let paragraphs: [String]
    }

    struct ShareLink: Encodable, Sendable {
        let label: String
        let href: String
    }

    struct ArticleBody: Encodable, Sendable {
        let name: String
        let base: String
        let card: Card
        let author: String
        let language: String
        let html: String
        let ratingText: String
        let stars: [SelectOption]
        let comments: [CommentRow]
        let signedIn: Bool
        let form: [String: String]
        /// Each thanks shows in the section its form was in, where the page lands after sending.
        let ratingNotice: String?
        let commentNotice: String?
        let share: [ShareLink]
    }

    @Sendable func article(req: Request) async throws -> Response {
        try await articlePage(req: req)
    }

    private func articlePage(
        req: Request, form: [String: String] = [:], errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let organization = try await Self.organization(req)
        guard
            let article = try await ArticleService.publishedArticle(
                organization.id!, slug: req.parameters.get("slug") ?? "", on: req.db)
        else { throw Abort(.notFound) }
        let zone = TimeZone(identifier: organization.timeZone) ?? .gmt
        let ratings = try await CommentService.ratings(article.id!, on: req.db)
        let card = Self.card(article, organization: organization, req: req)
        let url = req.absoluteURL(card.href)
        let encoded = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? url
        let title = article.title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await req.page(
            "site/article", titleKey: "article_title",
            ArticleBody(
                name: organization.name, base: Self.base(organization), card: card, author: article.authorName,
                language: article.language, html: ArticleMarkdown.html(from: article.body),
                ratingText: ratings.average.map {
                    req.t(
                        ratings.count == 1 ? "rating_average_one" : "rating_average",
                        ["average": $0, "count": String(ratings.count)])
                } ?? req.t("rating_none"),
                stars: (1...5).map {
                    SelectOption(
                        value: String($0), label: req.t("rating_star_\($0)"), selected: form["stars"] == String($0))
                },
                comments: try await CommentService.shown(article.id!, on: req.db).map {
                    CommentRow(
                        id: $0.id!.uuidString, name: $0.name,
                        date: CalendarDate($0.createdAt, in: zone).written(req.messages),
                        paragraphs: $0.body.components(separatedBy: "\n\n"))
                }, signedIn: await req.optionalSignedIn() != nil, form: form,
                ratingNotice: req.query[String.self, at: "rated"] != nil ? req.t("article_notice_rated") : nil,
                commentNotice: ["commented", "held", "reported"].first { req.query[String.self, at: $0] != nil }
                    .map { req.t("article_notice_" + $0) },
                share: [
                    ShareLink(label: req.t("share_email"), href: "mailto:?subject=\(title)&body=\(encoded)"),
                    ShareLink(label: "Facebook", href: "https://www.facebook.com/sharer/sharer.php?u=\(encoded)"),
                    ShareLink(label: "X", href: "https://x.com/intent/post?url=\(encoded)&text=\(title)"),
                    ShareLink(
                        label: "LinkedIn", href: "https://www.linkedin.com/sharing/share-offsite/?url=\(encoded)"),
                ]),
            errors: errors, status: status)
    }

    struct CommentForm: Content {
        var name: String?
        var email: String?
        var body: String?
        var website: String?
    }

    @Sendable func comment(req: Request) async throws -> Response {
        let organization = try await Self.organization(req)
        let slug = req.parameters.get("slug") ?? ""
        guard let article = try await ArticleService.publishedArticle(organization.id!, slug: slug, on: req.db) else {
            throw Abort(.notFound)
        }
        let form = (try? req.content.decode(CommentForm.self)) ?? CommentForm()
        let page = Self.base(organization) + "/articles/" + slug
        do {
            let outcome = try await CommentService(req: req).add(
                article,
                CommentDraft(
                    name: form.name ?? "", email: form.email ?? "", body: form.body ?? "", honeypot: form.website ?? ""),
                actor: await req.optionalSignedIn()?.actor)
            return .redirect(page + (outcome == .shown ? "?commented=1#comments" : "?held=1#comments"))
        } catch ServiceError.invalid(let problems) {
            return try await articlePage(
                req: req, form: ["name": form.name ?? "", "email": form.email ?? "", "body": form.body ?? ""],
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct RatingForm: Content {
        var stars: Int?
    }

    @Sendable func rate(req: Request) async throws -> Response {
        let organization = try await Self.organization(req)
        let slug = req.parameters.get("slug") ?? ""
        guard let article = try await ArticleService.publishedArticle(organization.id!, slug: slug, on: req.db) else {
            throw Abort(.notFound)
        }
        let form = (try? req.content.decode(RatingForm.self)) ?? RatingForm()
        do {
            try await CommentService(req: req).rate(article, stars: form.stars ?? 0, reader: try await Self.reader(req))
            return .redirect(Self.base(organization) + "/articles/" + slug + "?rated=1#rating")
        } catch ServiceError.invalid(let problems) {
            return try await articlePage(req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    /// Who rates: the account when signed in; otherwise this browser, by a hash of its
    /// pre-sign-in cookie (a form could not have been sent without it).
    static func reader(_ req: Request) async throws -> String {
        if let signedIn = await req.optionalSignedIn() { return "user:" + signedIn.actor.userID.uuidString }
        let token = req.csrfToken()
        return "guest:" + SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Sendable func report(req: Request) async throws -> Response {
        let organization = try await Self.organization(req)
        let id = try req.id("commentID")
        try await CommentService(req: req).report(id, organizationID: organization.id!)
        guard let comment = try await ArticleComment.find(id, on: req.db),
            let article = try await Article.find(comment.articleID, on: req.db)
        else { throw Abort(.notFound) }
        return .redirect(Self.base(organization) + "/articles/" + article.slug + "?reported=1#comments")
    }

}
