import Fluent
import Foundation
import TandemKit

/// The demo's public site: its words, and two articles (one in Spanish) with a comment
/// waiting for a moderator and a rating, so the site and the moderation page have
/// something to show.
enum DemoSite {
    static func populate(organization: Organization, users: [String: User], on db: any Database) async throws {
        guard let author = users["coach@demo.tandem.test"] else { return }
        let settings = SiteSettings()
        settings.organizationID = organization.id!
        settings.mission =
            "Peer recovery support for every pathway, from people who have walked it. Any positive change counts."
        settings.reach = "Call or text 555-0100, Monday to Saturday, 9 am to 7 pm. Walk in at 12 River Street."
        settings.moderateComments = true
        try await settings.create(on: db)
        let now = Date()
        let articles: [(String, String, String, String, String, TimeInterval)] = [
            (
                "what-a-peer-recovery-coach-does", "en", "What a peer recovery coach does",
                "Someone who has been there, beside you on the pathway you choose",
                """
                A peer recovery coach is not a counselor or a sponsor. A coach has lived recovery and walks
                beside you while you build the life you want, on **any pathway**: mutual aid, medication,
                faith, or your own way.

                ## What we do together

                - find meetings, housing, work and health care
                - set small goals and notice every positive change
                - plan for hard days

                [Find treatment near you](https://findtreatment.gov)
                """, 5 * 86_400
            ),
            (
                "salud-de-los-refugiados-y-recuperacion", "es", "Salud de los refugiados y recuperación",
                "Recursos en español para personas refugiadas y sus familias",
                """
                Llegar a un país nuevo trae pérdidas y estrés. La recuperación es posible, y no tiene que
                hacerla solo.

                - grupos de apoyo en español
                - ayuda con vivienda y trabajo
                """, 2 * 86_400
            ),
        ]
        for (slug, language, title, summary, body, age) in articles {
            let article = Article()
            article.organizationID = organization.id!
            article.slug = slug
            article.language = language
            article.title = title
            article.summary = summary
            article.body = body
            article.tags = language == "en" ? ",peer-support,recovery-coaching," : ",refugee-health,"
            article.authorID = author.id!
            article.authorName = author.displayName
            article.status = ArticleStatus.published.rawValue
            article.publishAt = now.addingTimeInterval(-age)
            // Old news for followers: nobody is written to about the demo's articles.
            article.notifiedAt = article.publishAt
            article.createdAt = now.addingTimeInterval(-age)
            article.updatedAt = now.addingTimeInterval(-age)
            try await article.create(on: db)
            guard language == "en" else { continue }
            let comment = ArticleComment()
            comment.organizationID = organization.id!
            comment.articleID = article.id!
            comment.name = "Jordan"
            comment.email = "jordan@example.org"
            comment.body = "This is what I needed to read today. Thank you."
            comment.status = CommentStatus.pending.rawValue
            comment.reports = 0
            comment.clientHash = "demo"
            comment.createdAt = now.addingTimeInterval(-3_600)
            try await comment.create(on: db)
            let rating = ArticleRating()
            rating.organizationID = organization.id!
            rating.articleID = article.id!
            rating.reader = "guest:demo"
            rating.stars = 5
            rating.updatedAt = now
            try await rating.create(on: db)
        }
    }
}
