import Fluent
import Foundation
import TandemKit
import Vapor

/// Staff pages of the public site: writing articles (with a preview, drafts and scheduled
/// publishing), moderating comments, and the site's own words.
struct ArticleAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin")
        admin.get("articles", use: list)
        admin.get("articles", "new", use: newForm)
        admin.post("articles", use: create)
        admin.get("articles", ":articleID", use: editForm)
        admin.post("articles", ":articleID", use: update)
        admin.post("articles", ":articleID", "delete", use: delete)
        admin.get("comments", use: comments)
        admin.post("comments", ":commentID", use: decide)
        admin.get("site", use: siteForm)
        admin.post("site", use: saveSite)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let title: String
        let status: String
        let statusKey: String
        let when: String
        let href: String?
    }

    struct ListBody: Encodable, Sendable {
        let rows: [Row]
        let siteHref: String
        let canModerate: Bool
        let notice: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.writeArticles)
        let organization = signedIn.actor.organization
        let zone = TimeZone(identifier: organization.timeZone) ?? .gmt
        let now = Date()
        let rows = try await ArticleService(req: req).all(signedIn.actor).map { article in
            let key =
                article.status == ArticleStatus.draft.rawValue
                ? "draft" : article.isPublic(at: now) ? "published" : "scheduled"
            return Row(
                id: article.id!.uuidString, title: article.title, status: req.t("article_status_" + key),
                statusKey: key,
                when: article.publishAt.map { TripController.when($0, zone: zone, req: req) } ?? "",
                href: key == "published" ? SiteController.base(organization) + "/articles/" + article.slug : nil)
        }
        return try await req.page(
            "admin/articles", titleKey: "articles_admin_title",
            ListBody(
                rows: rows, siteHref: SiteController.base(organization),
                canModerate: AccessPolicy.can(signedIn.role, .moderateComments),
                notice: req.query[String.self, at: "deleted"] != nil ? req.t("article_notice_deleted") : nil))
    }

    struct ArticleForm: Content {
        var title: String?
        var summary: String?
        var body: String?
        var tags: String?
        var language: String?
        var publish_date: String?
        var publish_time: String?
        /// preview, draft or publish: which button was pressed.
        var action: String?

        var draft: ArticleDraft {
            ArticleDraft(
                title: title ?? "", summary: summary ?? "", body: body ?? "", tags: tags ?? "",
                language: language ?? "en", publishDate: publish_date ?? "", publishTime: publish_time ?? "")
        }
    }

    struct FormBody: Encodable, Sendable {
        let id: String?
        let v: [String: String]
        let languages: [SelectOption]
        let preview: String?
        let status: String?
        let notice: String?
    }

    private func formPage(
        req: Request, id: UUID?, form: ArticleForm, preview: Bool = false, status: String? = nil,
        errors: [FieldError] = [], code: HTTPStatus = .ok
    ) async throws -> Response {
        _ = try await req.authorize(.writeArticles)
        return try await req.page(
            "admin/article-form", titleKey: id == nil ? "article_new_title" : "article_edit_title",
            FormBody(
                id: id?.uuidString,
                v: [
                    "title": form.title ?? "", "summary": form.summary ?? "", "body": form.body ?? "",
                    "tags": form.tags ?? "", "publish_date": form.publish_date ?? "",
                    "publish_time": form.publish_time ?? "",
                ],
                languages: ["en", "es"].map {
                    SelectOption(value: $0, label: req.t("language_" + $0), selected: (form.language ?? "en") == $0)
                }, preview: preview ? ArticleMarkdown.html(from: form.body ?? "") : nil, status: status,
                notice: ["saved", "published"].first { req.query[String.self, at: $0] != nil }
                    .map { req.t("article_notice_" + $0) }),
            errors: errors, status: code)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await formPage(req: req, id: nil, form: ArticleForm())
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.writeArticles)
        let article = try await ArticleService(req: req).article(try req.id("articleID"), signedIn.actor)
        let zone = TimeZone(identifier: signedIn.actor.organization.timeZone) ?? .gmt
        let local = article.publishAt.map { AppointmentController.local($0, zone) }
        let form = ArticleForm(
            title: article.title, summary: article.summary, body: article.body,
            tags: article.tagList.joined(separator: ", "), language: article.language,
            publish_date: local?.0.description, publish_time: local?.1.description)
        let key =
            article.status == ArticleStatus.draft.rawValue ? "draft" : article.isPublic() ? "published" : "scheduled"
        return try await formPage(req: req, id: article.id, form: form, status: req.t("article_status_" + key))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try await save(req: req, id: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try await save(req: req, id: try req.id("articleID"))
    }

    private func save(req: Request, id: UUID?) async throws -> Response {
        let signedIn = try await req.authorize(.writeArticles)
        let form = (try? req.content.decode(ArticleForm.self)) ?? ArticleForm()
        if form.action == "preview" { return try await formPage(req: req, id: id, form: form, preview: true) }
        do {
            let article = try await ArticleService(req: req).save(
                id, form.draft, publish: form.action == "publish", signedIn.actor)
            return .redirect(
                "/admin/articles/\(article.id!.uuidString)?" + (form.action == "publish" ? "published=1" : "saved=1"))
        } catch ServiceError.invalid(let problems) {
            return try await formPage(
                req: req, id: id, form: form, errors: req.fieldErrors(problems), code: .unprocessableEntity)
        }
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.writeArticles)
        try await ArticleService(req: req).delete(try req.id("articleID"), signedIn.actor)
        return .redirect("/admin/articles?deleted=1")
    }

    // MARK: - Comments

    struct CommentRow: Encodable, Sendable {
        let id: String
        let article: String
        let name: String
        let email: String
        let body: String
        let when: String
        let reports: Int
        let pending: Bool
    }

    struct CommentsBody: Encodable, Sendable {
        let rows: [CommentRow]
        let notice: String?
    }

    @Sendable func comments(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.moderateComments)
        let zone = TimeZone(identifier: signedIn.actor.organization.timeZone) ?? .gmt
        let rows = try await CommentService(req: req).queue(signedIn.actor).map { comment, article in
            CommentRow(
                id: comment.id!.uuidString, article: article.title, name: comment.name, email: comment.email,
                body: comment.body, when: TripController.when(comment.createdAt, zone: zone, req: req),
                reports: comment.reports, pending: comment.status == CommentStatus.pending.rawValue)
        }
        return try await req.page(
            "admin/comments", titleKey: "comments_moderation_title",
            CommentsBody(
                rows: rows,
                notice: req.query[String.self, at: "done"] != nil ? req.t("comment_notice_done") : nil))
    }

    struct DecisionForm: Content {
        var decision: String?
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.moderateComments)
        let form = (try? req.content.decode(DecisionForm.self)) ?? DecisionForm()
        try await CommentService(req: req).decide(try req.id("commentID"), form.decision ?? "", signedIn.actor)
        return .redirect("/admin/comments?done=1")
    }

    // MARK: - The site's words

    struct SiteBody: Encodable, Sendable {
        let mission: String
        let reach: String
        let moderate: Bool
        let siteHref: String
        let notice: String?
    }

    @Sendable func siteForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.moderateComments)
        let settings = try await SiteService.settings(signedIn.actor.organizationID, on: req.db)
        return try await req.page(
            "admin/site", titleKey: "site_settings_title",
            SiteBody(
                mission: settings.mission, reach: settings.reach, moderate: settings.moderateComments,
                siteHref: SiteController.base(signedIn.actor.organization),
                notice: req.query[String.self, at: "saved"] != nil ? req.t("site_notice_saved") : nil))
    }

    struct SiteForm: Content {
        var mission: String?
        var reach: String?
        var moderate_comments: String?
    }

    @Sendable func saveSite(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.moderateComments)
        let form = (try? req.content.decode(SiteForm.self)) ?? SiteForm()
        do {
            try await SiteService.save(
                mission: form.mission ?? "", reach: form.reach ?? "", moderate: form.moderate_comments == "on",
                signedIn.actor, req: req)
            return .redirect("/admin/site?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "admin/site", titleKey: "site_settings_title",
                SiteBody(
                    mission: form.mission ?? "", reach: form.reach ?? "", moderate: form.moderate_comments == "on",
                    siteHref: SiteController.base(signedIn.actor.organization), notice: nil),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
