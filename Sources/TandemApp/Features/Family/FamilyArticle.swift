import Fluent
import Foundation
import TandemKit

/// An organization's own wording of one family article in one language. Until an
/// organization writes its own, the article reads as Tandem ships it.
final class FamilyArticle: Model, @unchecked Sendable {
    static let schema = "family_articles"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "topic") var topic: String
    @Field(key: "language") var language: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "updated_by") var updatedBy: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    /// Coping, boundaries, self-care, positive communication in the spirit of CRAFT, naloxone.
    static let topics = ["coping", "boundaries", "self_care", "communication", "naloxone"]
    static let titleLimit = 120
    static let bodyLimit = 20_000
}
