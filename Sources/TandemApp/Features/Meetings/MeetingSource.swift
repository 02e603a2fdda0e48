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
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

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
    }
}
