import Crypto
import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Readers' comments and ratings on published articles, and their moderation. A guest's
/// name and e-mail are kept for moderators only; comments wait for a moderator when the
/// organization says so. Spam is held off with a hidden field, a link limit and a limit of
/// comments per sender per hour, with no outside service.
struct CommentService {
    let req: Request

    static let perHour = 5

    enum Outcome: Equatable {
        case shown, held
    }

    /// Adds a comment by the signed-in reader (`actor`) or a guest. A robot's comment is
    /// quietly dropped: it is told it is held, so it learns nothing.
    func add(_ article: Article, _ draft: CommentDraft, actor: Actor?, now: Date = Date()) async throws -> Outcome {
        if draft.isRobot { return .held }
        let problems = draft.problems(asGuest: actor == nil)
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let client = try await Self.clientHash(req)
        let recent = try await ArticleComment.query(on: req.db).filter(\.$clientHash == client)
            .filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        if recent >= Self.perHour { throw ServiceError.invalid([("body", "error_comment_too_many")]) }
        let settings = try await SiteService.settings(article.organizationID, on: req.db)
        let staff = actor.map { $0.organizationID == article.organizationID && $0.role.isStaff } ?? false
        let comment = ArticleComment()
        comment.organizationID = article.organizationID
        comment.articleID = article.id!
        comment.userID = actor?.userID
        comment.name = actor?.user.displayName ?? draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        // A signed-in reader's account address stays with their account, not in this queue.
        comment.email = actor == nil ? FieldRules.normalizedEmail(draft.email) : ""
        comment.body = draft.body.trimmingCharacters(in: .whitespacesAndNewlines)
        comment.status = (settings.moderateComments && !staff ? CommentStatus.pending : .approved).rawValue
        comment.reports = 0
        comment.clientHash = client
        comment.createdAt = now
        try await comment.create(on: req.db)
        return comment.status == CommentStatus.approved.rawValue ? .shown : .held
    }

    /// A reader flags a shown comment; it goes back to the moderators' list.
    func report(_ commentID: UUID, organizationID: UUID) async throws {
        guard
            let comment = try await ArticleComment.query(on: req.db).filter(\.$organizationID == organizationID)
                .filter(\.$id == commentID).filter(\.$status == CommentStatus.approved.rawValue).first()
        else { throw ServiceError.notFound }
        comment.reports += 1
        try await comment.save(on: req.db)
    }

    /// One rating per reader per article; rating again changes it.
    func rate(_ article: Article, stars: Int, reader: String, now: Date = Date()) async throws {
        guard (1...5).contains(stars) else { throw ServiceError.invalid([("stars", "error_rating_stars")]) }
        guard let sql = req.db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            INSERT INTO article_ratings (id, organization_id, article_id, reader, stars, updated_at) VALUES \
            (\(bind: UUID()), \(bind: article.organizationID), \(bind: article.id!), \(bind: reader), \
            \(bind: stars), \(bind: now)) ON CONFLICT (article_id, reader) DO UPDATE SET stars = \(bind: stars), \
            updated_at = \(bind: now)
            """
        ).run()
    }

    static func ratings(_ articleID: UUID, on db: any Database) async throws -> RatingSummary {
        RatingSummary(stars: try await ArticleRating.query(on: db).filter(\.$articleID == articleID).all(\.$stars))
    }

    static func shown(_ articleID: UUID, on db: any Database) async throws -> [ArticleComment] {
        try await ArticleComment.query(on: db).filter(\.$articleID == articleID)
            .filter(\.$status == CommentStatus.approved.rawValue).sort(\.$createdAt).limit(500).all()
    }

    // MARK: - Moderation

    /// Comments waiting, and shown ones readers reported, oldest first.
    func queue(_ actor: Actor) async throws -> [(ArticleComment, Article)] {
        guard AccessPolicy.can(actor.role, .moderateComments) else { throw ServiceError.denied }
        let waiting = try await ArticleComment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .group(.or) {
                $0.filter(\.$status == CommentStatus.pending.rawValue).group(.and) {
                    $0.filter(\.$status == CommentStatus.approved.rawValue).filter(\.$reports > 0)
                }
            }.sort(\.$createdAt).limit(200).all()
        let articles = Dictionary(
            try await Article.query(on: req.db).filter(\.$id ~~ Set(waiting.map(\.articleID))).all()
                .map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        return waiting.compactMap { comment in articles[comment.articleID].map { (comment, $0) } }
    }

    enum Decision: String {
        case approve, hide, delete
    }

    func decide(_ commentID: UUID, _ raw: String, _ actor: Actor) async throws {
        guard AccessPolicy.can(actor.role, .moderateComments) else { throw ServiceError.denied }
        guard let decision = Decision(rawValue: raw) else {
            throw ServiceError.invalid([("decision", "error_choose_one")])
        }
        guard
            let comment = try await ArticleComment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == commentID).first()
        else { throw ServiceError.notFound }
        switch decision {
        case .approve:
            comment.status = CommentStatus.approved.rawValue
            comment.reports = 0
            try await comment.save(on: req.db)
        case .hide:
            comment.status = CommentStatus.hidden.rawValue
            try await comment.save(on: req.db)
        case .delete:
            try await comment.delete(on: req.db)
        }
        try await req.audit(
            "comment." + decision.rawValue, actor: actor.userID, organization: actor.organizationID,
            subjectType: "article_comment", subject: commentID)
    }

    /// The sender's address, hashed with a key all processes share so the table never holds
    /// it and the hourly limit counts the same address whichever process answers.
    static func clientHash(_ req: Request) async throws -> String {
        let address = req.clientAddress ?? "unknown"
        let key = try await req.tandem.secrets.key("comment_client", on: req.db)
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(address.utf8), using: SymmetricKey(data: key)))
    }
}
