import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The public site's words, and its followers by e-mail: asking to follow sends a link that
/// confirms (double opt-in); every message about a new article carries a one-click
/// unsubscribe. Nothing tells a visitor whether an address already follows.
enum SiteService {
    static func settings(_ organizationID: UUID, on db: any Database) async throws -> SiteSettings {
        if let found = try await SiteSettings.query(on: db).filter(\.$organizationID == organizationID).first() {
            return found
        }
        let fresh = SiteSettings()
        fresh.organizationID = organizationID
        fresh.mission = ""
        fresh.reach = ""
        fresh.moderateComments = true
        return fresh
    }

    static func save(mission: String, reach: String, moderate: Bool, _ actor: Actor, req: Request) async throws {
        guard AccessPolicy.can(actor.role, .moderateComments) else { throw ServiceError.denied }
        var problems: [(field: String, key: String)] = []
        for (field, text) in [("mission", mission), ("reach", reach)] {
            if text.count > 2_000 { problems.append((field, "error_text_too_long")) }
            if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                problems.append((field, "error_text_invalid"))
            }
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let settings = try await settings(actor.organizationID, on: req.db)
        settings.mission = mission.trimmingCharacters(in: .whitespacesAndNewlines)
        settings.reach = reach.trimmingCharacters(in: .whitespacesAndNewlines)
        settings.moderateComments = moderate
        try await settings.save(on: req.db)
        try await req.audit(
            "site.settings", actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
    }

    // MARK: - Followers

    /// Asks to follow: a new address gets a confirmation link; one waiting gets it again; one
    /// already confirmed gets nothing new. The answer is the same either way.
    static func follow(_ organizationID: UUID, email raw: String, req: Request, now: Date = Date()) async throws {
        if let key = FieldRules.email(raw) { throw ServiceError.invalid([("follow_email", key)]) }
        let email = FieldRules.normalizedEmail(raw)
        // Before anything is read, so the answer says nothing of whether the address follows.
        try await PublicMailAllowance.spend(req, now: now)
        var follower = try await ArticleFollower.query(on: req.db).filter(\.$organizationID == organizationID)
            .filter(\.$email == email).first()
        if follower?.confirmedAt != nil { return }
        if follower == nil {
            let fresh = ArticleFollower()
            fresh.organizationID = organizationID
            fresh.email = email
            fresh.language = req.language.rawValue
            fresh.token = SecureToken.generate()
            fresh.createdAt = now
            do {
                try await fresh.create(on: req.db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                return
            }
            follower = fresh
        }
        guard let follower, let organization = try await Organization.find(organizationID, on: req.db) else { return }
        // At most one confirmation message an hour per address.
        try await Mail.queue(
            req.application, on: req.db, organizationID: organizationID, to: email, language: req.language,
            subjectKey: "email_follow_subject", bodyKey: "email_follow_body",
            values: [
                "organization": organization.name,
                "link": Mail.publicLink(req.application, "/follow/\(follower.token)"),
            ], kind: "follow_confirm",
            dedupeKey: "follow:\(follower.id!.uuidString):\(Int(now.timeIntervalSince1970 / 3600))",
            expiresAt: now.addingTimeInterval(7 * 86_400))
    }

    static func follower(token: String, on db: any Database) async throws -> ArticleFollower? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await ArticleFollower.query(on: db).filter(\.$token == token).first()
    }

    static func confirm(token: String, on db: any Database, now: Date = Date()) async throws -> ArticleFollower {
        guard let follower = try await follower(token: token, on: db) else { throw ServiceError.notFound }
        if follower.confirmedAt == nil {
            follower.confirmedAt = now
            try await follower.save(on: db)
        }
        return follower
    }

    static func unsubscribe(token: String, on db: any Database) async throws {
        guard let follower = try await follower(token: token, on: db) else { throw ServiceError.notFound }
        try await follower.delete(on: db)
    }

    /// Tells confirmed followers of each article whose time has come and that nobody has been
    /// told of yet; run by the outbox worker, so a scheduled article goes out on its own.
    static func notifyNewArticles(_ app: Application, on db: any Database, now: Date = Date()) async throws -> Int {
        let due = try await Article.query(on: db).filter(\.$status == ArticleStatus.published.rawValue)
            .filter(\.$publishAt <= now).filter(\.$publishAt > now.addingTimeInterval(-7 * 86_400))
            .filter(\.$notifiedAt == nil).limit(20).all()
        var queued = 0
        for article in due {
            // Claimed first, so two servers never send the same article twice.
            guard let sql = db as? any SQLDatabase,
                !(try await sql.raw(
                    """
                    UPDATE articles SET notified_at = \(bind: now) WHERE id = \(bind: article.id!) \
                    AND notified_at IS NULL RETURNING id
                    """
                ).all()).isEmpty
            else { continue }
            let followers = try await ArticleFollower.query(on: db).filter(\.$organizationID == article.organizationID)
                .filter(\.$confirmedAt != nil).all()
            let base = app.tandemSettings.baseURL ?? "http://localhost:8080"
            for follower in followers {
                let sent = try await Mail.queue(
                    app, on: db, organizationID: article.organizationID, to: follower.email,
                    language: Language(rawValue: follower.language) ?? .en, subjectKey: "email_article_subject",
                    bodyKey: "email_article_body",
                    values: [
                        "title": article.title, "summary": article.summary,
                        "link": base + "/organizations/\(article.organizationID.uuidString)/articles/\(article.slug)",
                        "unsubscribe": base + "/unsubscribe/\(follower.token)",
                    ], kind: "article", dedupeKey: "article:\(article.id!.uuidString):\(follower.id!.uuidString)")
                if sent { queued += 1 }
            }
        }
        return queued
    }
}
