import Fluent
import Foundation
import TandemKit

/// A coach's record of one contact with one or more participants. A draft changes freely;
/// signing locks it, and later words are signed addenda.
final class SessionNote: Model, @unchecked Sendable {
    static let schema = "session_notes"

    enum Status: String, Codable, Sendable {
        case draft, signed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "local_date") var localDate: String
    /// `HH:MM`, or empty in a draft.
    @Field(key: "start_time") var startTime: String
    @Field(key: "end_time") var endTime: String
    @Field(key: "minutes") var minutes: Int?
    /// A `ContactMode` raw value, or empty in a draft.
    @Field(key: "mode") var mode: String
    @Field(key: "place") var place: String
    /// The plan goals worked on, one per line.
    @Field(key: "goals") var goals: String
    @Field(key: "done") var done: String
    @Field(key: "response") var response: String
    @Field(key: "next_steps") var nextSteps: String
    @Enum(key: "status") var status: Status
    @Field(key: "signed_name") var signedName: String?
    @Field(key: "signed_at") var signedAt: Date?
    @Enum(key: "review") var review: NoteReview
    @Field(key: "review_comment") var reviewComment: String
    @Field(key: "reviewed_by") var reviewedBy: UUID?
    @Field(key: "reviewed_at") var reviewedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, authorID: UUID) {
        self.organizationID = organizationID
        self.authorID = authorID
        self.status = .draft
        self.signedName = nil
        self.signedAt = nil
        self.review = .notRequired
        self.reviewComment = ""
        self.reviewedBy = nil
        self.reviewedAt = nil
    }

    /// Copies a normalized draft (its people are kept apart, in `SessionNoteParticipant`).
    func apply(_ draft: SessionNoteDraft) {
        localDate = draft.date
        let times = draft.times
        startTime = times?.start.description ?? draft.start
        endTime = times?.end.description ?? draft.end
        minutes = draft.minutes
        mode = draft.mode
        place = draft.place
        goals = draft.goals.joined(separator: "\n")
        done = draft.done
        response = draft.response
        nextSteps = draft.nextSteps
    }

    func draft(participants: [UUID]) -> SessionNoteDraft {
        SessionNoteDraft(
            date: localDate, start: startTime, end: endTime, mode: mode, place: place,
            participantIDs: participants.map(\.uuidString), goals: goals.split(separator: "\n").map(String.init),
            done: done, response: response, nextSteps: nextSteps)
    }
}

/// One person a session note is about.
final class SessionNoteParticipant: Model, @unchecked Sendable {
    static let schema = "session_note_participants"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "note_id") var note: SessionNote
    @Field(key: "participant_id") var participantID: UUID

    init() {}

    init(organizationID: UUID, noteID: UUID, participantID: UUID) {
        self.organizationID = organizationID
        self.$note.id = noteID
        self.participantID = participantID
    }
}

/// Words added to a signed note, signed and timed on their own.
final class SessionNoteAddendum: Model, @unchecked Sendable {
    static let schema = "session_note_addenda"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "note_id") var note: SessionNote
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "text") var text: String
    @Field(key: "signed_name") var signedName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(organizationID: UUID, noteID: UUID, authorID: UUID, text: String, signedName: String) {
        self.organizationID = organizationID
        self.$note.id = noteID
        self.authorID = authorID
        self.text = text
        self.signedName = signedName
    }
}
