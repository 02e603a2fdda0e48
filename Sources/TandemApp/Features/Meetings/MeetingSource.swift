import Fluent
import Foundation

/// Where an organization's meetings come from: a Meeting Guide feed, by URL or from a file,
/// with what its last import found.
final class MeetingSource: Model, @unchecked Sendable {
    static let schema = "meeting_sources"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    /// The feed's address, or empty for a file.
    @Field(key: "url") var url: String
    /// SHA-256 of the feed last imported: the same feed again changes nothing.
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "meeting_count") var meetingCount: Int
    @Field(key: "skipped_count") var skippedCount: Int
    /// The last import's report, one line per record left out or noticed (or why it failed).
    @Field(key: "report") var report: String
    @Field(key: "imported_at") var importedAt: Date?
    @Field(key: "checked_at") var checkedAt: Date?
    @Field(key: "kind") var kind: Kind
    /// Hours between automatic imports of a feed by its address; 0 = only by hand.
    @Field(key: "refresh_hours") var refreshHours: Int
    /// When an admin removed it; importing it again (by its name) brings it back.
    @OptionalField(key: "removed_at") var removedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    enum Kind: String, Codable, Sendable {
        /// A Meeting Guide feed, imported by address or from a file.
        case feed
        /// The meetings the organization runs itself, kept in Tandem and published as its feed.
        case own
    }

    /// The name of the organization's own meetings' source (not one a feed can take).
    static let ownName = "tandem:own"

    /// How often a feed may be refreshed on its own: by hand, every 6 hours, daily, weekly.
    static let refreshChoices = [0, 6, 24, 168]

    init() {}

    init(organizationID: UUID, name: String, url: String) {
        self.organizationID = organizationID
        self.name = name
        self.url = url
        self.contentHash = ""
        self.meetingCount = 0
        self.skippedCount = 0
        self.report = ""
        self.importedAt = nil
        self.checkedAt = nil
        self.kind = .feed
        self.refreshHours = 0
    }
}

extension MeetingSource {
    /// The organization's source of `kind` named `name`, made when it is not there yet.
    static func named(_ name: String, kind: Kind, organizationID: UUID, on db: any Database) async throws
        -> MeetingSource
    {
        try await retryingOnUniqueConflict {
            if let found = try await MeetingSource.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$name == name).first()
            {
                return found
            }
            let made = MeetingSource(organizationID: organizationID, name: name, url: "")
            made.kind = kind
            try await made.create(on: db)
            return made
        }
    }
}
