import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// The organization's public site: writing and scheduling articles, reading them without
/// signing in, comments held for moderation, ratings, the Atom feed, and following by e-mail.
@Suite("Public site")
struct SitePageTests {
    static func article(title: String = "Peer support works", body: String = "Any **positive** change counts.")
        -> [String: String]
    {
        [
            "title": title, "summary": "Why it helps", "body": body, "tags": "Peer Support, SDOH", "language": "en",
            "action": "publish",
        ]
    }

    @Test("staff write, preview and publish; drafts and scheduled articles stay out of sight; script never runs")
    func writeAndRead() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let participant = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let site = "/organizations/\(admin.organization.id!)"
            let writer = try await TestBrowser.signedIn(app, coach)

            // A preview shows the text as it will read, and saves nothing.
            var fields = Self.article(body: "Hello <script>alert(1)</script> [x](javascript:alert(1))")
            fields["action"] = "preview"
            var response = try await writer.post("/admin/articles", fields, tokenFrom: "/admin/articles/new")
            let preview = try #require(
                response.body.string.components(separatedBy: "id=\"preview\"").dropFirst().first?
                    .components(separatedBy: "</section>").first)
            #expect(response.status == .ok && preview.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!response.body.string.contains("<script>alert") && !preview.contains("javascript:"))
            #expect(try await Article.query(on: app.db).count() == 0)
            // No title: refused, nothing kept.
            fields = Self.article()
            fields["title"] = " "
            response = try await writer.post("/admin/articles", fields, tokenFrom: "/admin/articles/new")
            #expect(response.status == .unprocessableEntity && response.body.string.contains("title-error"))
            #expect(try await Article.query(on: app.db).count() == 0)

            // Published now, a draft, and one scheduled for next week.
            try await writer.post("/admin/articles", Self.article(), tokenFrom: "/admin/articles/new")
            fields = Self.article(title: "Still writing")
            fields["action"] = "draft"
            try await writer.post("/admin/articles", fields, tokenFrom: "/admin/articles/new")
            fields = Self.article(title: "Next week")
            fields["publish_date"] = ParticipantService.today(in: admin.organization).adding(days: 7)!.description
            fields["publish_time"] = "09:00"
            try await writer.post("/admin/articles", fields, tokenFrom: "/admin/articles/new")
            #expect(try await Article.query(on: app.db).count() == 3)

            let guest = TestBrowser(app)
            let home = try await guest.get(site).body.string
            #expect(
                home.contains("Peer support works") && !home.contains("Still writing") && !home.contains("Next week"))
            let page = try await guest.get("\(site)/articles/peer-support-works")
            #expect(page.status == .ok && page.body.string.contains("<strong>positive</strong>"))
            #expect(page.body.string.contains("1 min read") && page.body.string.contains("No ratings yet."))
            #expect(try await guest.get("\(site)/articles/still-writing").status == .notFound)
            #expect(try await guest.get("\(site)/articles/next-week").status == .notFound)
            #expect(try await guest.get("\(site)/tags/sdoh").body.string.contains("Peer support works"))
            #expect(!(try await guest.get("\(site)/tags/other").body.string.contains("Peer support works")))

            // Only staff write; a participant cannot.
            let person = try await TestBrowser.signedIn(app, participant)
            #expect(try await person.get("/admin/articles").status == .forbidden)
            #expect(
                try await person.post("/admin/articles", Self.article(title: "Mine"), tokenFrom: "/").status
                    == .forbidden)
            #expect(try await Article.query(on: app.db).count() == 3)
        }
    }

    @Test("a guest's comment waits for a moderator; robots, link floods and bad input change nothing; ratings average")
    func commentsAndRatings() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let adminBrowser = try await TestBrowser.signedIn(app, admin)
            try await adminBrowser.post("/admin/articles", Self.article(), tokenFrom: "/admin/articles/new")
            let page = "/organizations/\(admin.organization.id!)/articles/peer-support-works"
            let guest = TestBrowser(app)
            var response = try await guest.post(
                "\(page)/comments", ["name": "", "email": "x", "body": ""], tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("email-error"))
            response = try await guest.post(
                "\(page)/comments",
                ["name": "Bot", "email": "b@example.org", "body": "Buy now", "website": "https://spam.example"],
                tokenFrom: page)
            #expect(response.status == .seeOther)
            response = try await guest.post(
                "\(page)/comments",
                [
                    "name": "Ana", "email": "a@example.org",
                    "body": "https://a.example https://b.example https://c.example",
                ],
                tokenFrom: page)
            #expect(response.status == .unprocessableEntity)
            #expect(try await ArticleComment.query(on: app.db).count() == 0)
            response = try await guest.post(
                "\(page)/comments", ["name": "Ana", "email": "ana@example.org", "body": "This helped my brother."],
                tokenFrom: page)
            #expect(response.status == .seeOther && response.location?.contains("held=1") == true)
            // The thanks sits in the comments section, where the page lands.
            let thanked = try await guest.get(
                String(try #require(response.location?.split(separator: "#").first))
            ).body.string
            let section = try #require(thanked.range(of: "id=\"comments\"")).upperBound
            #expect(thanked[section...].contains("Your comment will show once a moderator has read it."))
            var read = try await guest.get(page).body.string
            #expect(!read.contains("This helped my brother.") && !read.contains("ana@example.org"))

            // The moderator approves it; the e-mail stays private.
            let comment = try #require(try await ArticleComment.query(on: app.db).first())
            #expect(try await adminBrowser.get("/admin/comments").body.string.contains("This helped my brother."))
            response = try await adminBrowser.post(
                "/admin/comments/\(comment.id!)", ["decision": "approve"], tokenFrom: "/admin/comments")
            #expect(response.status == .seeOther)
            read = try await guest.get(page).body.string
            #expect(read.contains("This helped my brother.") && !read.contains("ana@example.org"))
            // Reported, it goes back to the moderators.
            try await guest.post(
                "/organizations/\(admin.organization.id!)/comments/\(comment.id!)/report", [:], tokenFrom: page)
            #expect(try await ArticleComment.find(comment.id, on: app.db)?.reports == 1)

            // Ratings: one per reader; rating again changes it.
            #expect(
                try await guest.post("\(page)/rating", ["stars": "9"], tokenFrom: page).status == .unprocessableEntity)
            try await guest.post("\(page)/rating", ["stars": "2"], tokenFrom: page)
            try await guest.post("\(page)/rating", ["stars": "4"], tokenFrom: page)
            try await adminBrowser.post("\(page)/rating", ["stars": "5"], tokenFrom: page)
            #expect(try await ArticleRating.query(on: app.db).count() == 2)
            #expect(try await guest.get(page).body.string.contains("4.5 out of 5 (2 ratings)"))
        }
    }

    @Test("the Atom feed lists what is published; following is confirmed by e-mail and ends in one click")
    func feedAndFollow() async throws {
        try await withTandem({ $0.smtp = unreachableSMTP }) { app in
            let admin = try await app.makeOrganization()
            let adminBrowser = try await TestBrowser.signedIn(app, admin)
            try await adminBrowser.post("/admin/articles", Self.article(), tokenFrom: "/admin/articles/new")
            // Out before anyone followed: nobody to tell.
            #expect(try await SiteService.notifyNewArticles(app, on: app.db) == 0)
            let site = "/organizations/\(admin.organization.id!)"
            let guest = TestBrowser(app)
            for path in ["\(site)/articles.atom", "/articles.atom"] {
                let feed = try await guest.get(path)
                #expect(feed.status == .ok && feed.headers.contentType?.subType == "atom+xml")
                #expect(feed.body.string.contains("<title>Peer support works</title>"))
            }

            #expect(
                try await guest.post("\(site)/follow", ["follow_email": "nope"], tokenFrom: site).status
                    == .unprocessableEntity)
            try await guest.post("\(site)/follow", ["follow_email": "Reader@Example.org"], tokenFrom: site)
            let follower = try #require(try await ArticleFollower.query(on: app.db).first())
            #expect(follower.email == "reader@example.org" && follower.confirmedAt == nil)
            let confirmation = try #require(
                try await OutboxMessage.query(on: app.db).filter(\.$kind == "follow_confirm").first())
            #expect(confirmation.body.contains("/follow/\(follower.token)"))
            // Asking again tells nothing new and makes no second follower.
            try await guest.post("\(site)/follow", ["follow_email": "reader@example.org"], tokenFrom: site)
            #expect(try await ArticleFollower.query(on: app.db).count() == 1)
            // Opening the link confirms nothing by itself; the button does.
            #expect(try await guest.get("/follow/\(follower.token)").status == .ok)
            #expect(try await ArticleFollower.find(follower.id, on: app.db)?.confirmedAt == nil)
            try await guest.post("/follow/\(follower.token)", [:], tokenFrom: "/follow/\(follower.token)")
            #expect(try await ArticleFollower.find(follower.id, on: app.db)?.confirmedAt != nil)

            // A new article reaches the confirmed follower, once.
            try await adminBrowser.post(
                "/admin/articles", Self.article(title: "Second post"), tokenFrom: "/admin/articles/new")
            #expect(try await SiteService.notifyNewArticles(app, on: app.db) == 1)
            #expect(try await SiteService.notifyNewArticles(app, on: app.db) == 0)
            let notice = try #require(try await OutboxMessage.query(on: app.db).filter(\.$kind == "article").first())
            #expect(notice.recipient == "reader@example.org" && notice.body.contains("/unsubscribe/\(follower.token)"))

            // One click from a mail program: no page, no token but the link's own.
            let response = try await app.testing().sendRequest(
                .POST, "/unsubscribe/\(follower.token)", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(response.status == .ok)
            #expect(try await ArticleFollower.query(on: app.db).count() == 0)
        }
    }
}
