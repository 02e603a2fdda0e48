import Fluent
import Foundation
import TandemKit

/// A planned meeting of a coach and a participant. Times are instants (UTC); pages show
/// them in the organization's time zone.
final class Appointment: Model, @unchecked Sendable {
    static let schema = "appointments"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "coach_id") var coachID: UUID
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    /// A `ContactMode` raw value.
    @Field(key: "mode") var mode: String
    @Field(key: "place") var place: String
    @Field(key: "video_link") var videoLink: String
    @Enum(key: "status") var status: AppointmentStatus
    /// Why it was last moved or cancelled (staff only).
    @Field(key: "reason") var reason: String
    /// How many times it was moved or cancelled: the calendar event's SEQUENCE.
    @Field(key: "changes") var changes: Int
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID, coachID: UUID, createdBy: UUID) {
        self.organizationID = organizationID
        self.participantID = participantID
        self.coachID = coachID
        self.createdBy = createdBy
        self.status = .scheduled
        self.reason = ""
        self.changes = 0
    }

    func apply(_ draft: AppointmentDraft, interval: (start: Date, end: Date)) {
        startsAt = interval.start
        endsAt = interval.end
        mode = draft.mode
        place = draft.place
        // The way to join belongs to a call: a video link or a number to ring.
        videoLink = [.video, .phone].contains(ContactMode(rawValue: draft.mode)) ? draft.videoLink : ""
    }
}

/// A private, revocable calendar address: a coach's appointments, or a participant's own.
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    /// Set for a participant's feed: whose appointments it shows.
    @Field(key: "participant_id") var participantID: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Enum(key: "detail") var detail: CalendarFeedDetail
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(organizationID: UUID, userID: UUID, participantID: UUID?, tokenHash: String, detail: CalendarFeedDetail) {
        self.organizationID = organizationID
        self.userID = userID
        self.participantID = participantID
        self.tokenHash = tokenHash
        self.detail = detail
        self.lastUsedAt = nil
    }
}
