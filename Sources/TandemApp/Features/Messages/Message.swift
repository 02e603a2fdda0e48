import Fluent
import Foundation

/// One secure message in an engagement's thread.
final class Message: Model, @unchecked Sendable {
    static let schema = "messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "engagement_id") var engagementID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "sender_id") var senderID: UUID
    /// The sender as named when sending.
    @Field(key: "sender_name") var senderName: String
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// How far one member of a thread has read: every message sent up to `readAt`.
final class MessageRead: Model, @unchecked Sendable {
    static let schema = "message_reads"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "engagement_id") var engagementID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "read_at") var readAt: Date

    init() {}
}

/// How many days an organization keeps messages (0: as long as the record).
final class MessageSettings: Model, @unchecked Sendable {
    static let schema = "message_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "retention_days") var retentionDays: Int

    init() {}
}
