import Fluent
import Foundation
import TandemKit

/// The public site's own words: the mission, how to reach a coach, and whether readers'
/// comments wait for a moderator.
final class SiteSettings: Model, @unchecked Sendable {
    static let schema = "site_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "mission") var mission: String
    @Field(key: "reach") var reach: String
    @Field(key: "moderate_comments") var moderateComments: Bool

    init() {}
}

/// An article of the organization's public site, in Markdown.
final class Article: Model, @unchecked Sendable {
    static let schema = "articles"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "slug") var slug: String
    @Field(key: "language") var language: String
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "body") var body: String
    /// `,recovery-coaching,peer-support,`
    @Field(key: "tags") var tags: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @Field(key: "status") var status: String
    /// When it goes out (or went out); nil for a draft never published.
    @OptionalField(key: "publish_at") var publishAt: Date?
    /// When its followers were told of it.
    @OptionalField(key: "notified_at") var notifiedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var tagList: [String] { tags.split(separator: ",").map(String.init) }

    /// Out for readers: published, and its time has come.
    func isPublic(at now: Date = Date()) -> Bool {
        status == ArticleStatus.published.rawValue && (publishAt.map { $0 <= now } ?? false)
    }
}

final class ArticleComment: Model, @unchecked Sendable {
    static let schema = "article_comments"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "article_id") var articleID: UUID
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    /// Never shown: for a moderator who needs to write back.
    @Field(key: "email") var email: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "reports") var reports: Int
    /// A keyed hash of the sender's address, for the rate limit only.
    @Field(key: "client_hash") var clientHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ArticleRating: Model, @unchecked Sendable {
    static let schema = "article_ratings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "article_id") var articleID: UUID
    /// `user:<id>` for an account, `guest:<hash of the reader cookie>` otherwise.
    @Field(key: "reader") var reader: String
    @Field(key: "stars") var stars: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// Someone who asked to hear of new articles by e-mail: confirmed once they follow the link
/// sent to them; the same token, in every message, unsubscribes. It is kept as it is sent,
/// since each new article's message carries it, and it can do nothing else.
final class ArticleFollower: Model, @unchecked Sendable {
    static let schema = "article_followers"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "email") var email: String
    @Field(key: "language") var language: String
    @Field(key: "token") var token: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
