import Fluent
import Foundation
import TandemKit
import Vapor

/// Articles: staff write them (drafts, publishing now or at a time ahead); anyone reads
/// those whose time has come. Each change is audited; reading is public and is not.
struct ArticleService {
    let req: Request

    // MARK: - Reading (public)

    /// An organization's published articles, newest first.
    static func published(
        _ organizationID: UUID, tag: String? = nil, limit: Int, offset: Int = 0, on db: any Database,
        now: Date = Date()
    ) async throws -> [Article] {
        var query = Article.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$status == ArticleStatus.published.rawValue).filter(\.$publishAt <= now)
        if let tag { query = query.filter(\.$tags ~~ ",\(tag),") }
        return try await query.sort(\.$publishAt, .descending).range(offset..<(offset + limit)).all()
    }

    static func publishedCount(_ organizationID: UUID, tag: String? = nil, on db: any Database, now: Date = Date())
        async throws -> Int
    {
        var query = Article.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$status == ArticleStatus.published.rawValue).filter(\.$publishAt <= now)
        if let tag { query = query.filter(\.$tags ~~ ",\(tag),") }
        return try await query.count()
    }

    /// One published article by its address word; nil for a draft or one not yet out.
    static func publishedArticle(_ organizationID: UUID, slug: String, on db: any Database) async throws -> Article? {
        let article = try await Article.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$slug == slug).first()
        return article?.isPublic() == true ? article : nil
    }

    // MARK: - Writing (staff)

    func all(_ actor: Actor) async throws -> [Article] {
        guard AccessPolicy.can(actor.role, .writeArticles) else { throw ServiceError.denied }
        return try await Article.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .sort(\.$updatedAt, .descending).limit(500).all()
    }

    func article(_ id: UUID, _ actor: Actor) async throws -> Article {
        guard AccessPolicy.can(actor.role, .writeArticles) else { throw ServiceError.denied }
        guard
            let article = try await Article.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return article
    }

    /// Saves a new article (`id` nil) or changes one, as a draft or published (now, or at the
    /// time asked for). Its address word is made from the title once and then kept, so links
    /// to it keep working.
    func save(
        _ id: UUID?, _ draft: ArticleDraft, publish: Bool, _ actor: Actor, now: Date = Date()
    ) async throws -> Article {
        guard AccessPolicy.can(actor.role, .writeArticles) else { throw ServiceError.denied }
        let zone = TimeZone(identifier: actor.organization.timeZone) ?? .gmt
        let problems = draft.problems(in: zone)
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let article: Article
        if let id { article = try await self.article(id, actor) } else { article = Article() }
        let isNew = article.id == nil
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if isNew {
            article.organizationID = actor.organizationID
            article.slug = try await freeSlug(ArticleSlug.make(title), organizationID: actor.organizationID)
            article.authorID = actor.userID
            article.authorName = actor.user.displayName
            article.createdAt = now
        }
        article.title = title
        article.summary = draft.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        article.body = draft.body
        article.tags = draft.tagList.isEmpty ? "" : "," + draft.tagList.joined(separator: ",") + ","
        article.language = draft.language
        switch (publish, draft.publishing(in: zone)) {
        case (false, _):
            article.status = ArticleStatus.draft.rawValue
        case (true, .at(let at)):
            article.status = ArticleStatus.published.rawValue
            article.publishAt = at
        case (true, _):
            article.status = ArticleStatus.published.rawValue
            // Published once already: it keeps its date.
            if article.publishAt == nil || article.notifiedAt == nil && article.publishAt! > now {
                article.publishAt = now
            }
        }
        article.updatedAt = now
        do {
            try await article.save(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure && isNew {
            // Another article took the same address word a moment ago: take the next one.
            article.slug = try await freeSlug(ArticleSlug.make(title), organizationID: actor.organizationID)
            try await article.save(on: req.db)
        }
        try await req.audit(
            isNew ? "article.create" : "article.update", actor: actor.userID, organization: actor.organizationID,
            subjectType: "article", subject: article.id)
        return article
    }

    func delete(_ id: UUID, _ actor: Actor) async throws {
        let article = try await article(id, actor)
        try await article.delete(on: req.db)
        try await req.audit(
            "article.delete", actor: actor.userID, organization: actor.organizationID, subjectType: "article",
            subject: id)
    }

    /// The title's address word, or with a number after it when another article has it.
    private func freeSlug(_ base: String, organizationID: UUID) async throws -> String {
        let root = base.isEmpty ? "article" : base
        let taken = Set(
            try await Article.query(on: req.db).filter(\.$organizationID == organizationID)
                .filter(\.$slug ~~ root).all(\.$slug))
        if !taken.contains(root) { return root }
        var number = 2
        while taken.contains("\(root)-\(number)") { number += 1 }
        return "\(root)-\(number)"
    }
}
