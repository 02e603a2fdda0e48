import Fluent
import Foundation
import TandemKit

/// A participant's check-in for one local calendar day. Sending again the same day changes
/// it; the next day starts a new one.
final class CheckIn: Model, @unchecked Sendable {
    static let schema = "check_ins"

    /// Whether the person asked their coach to reach out, and whether the coach has.
    enum ReachOut: String, Codable, Sendable {
        case none, open
        case followedUp = "followed_up"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "participant_id") var participant: Participant
    @Field(key: "local_date") var localDate: String
    @Field(key: "mood") var mood: Int
    @Field(key: "craving") var craving: Int
    /// A `SubstanceUseAnswer`, or empty when not answered.
    @Field(key: "substance_use") var substanceUse: String
    @Field(key: "supports") var supports: String
    @Field(key: "went_well") var wentWell: String
    @Enum(key: "reach_out") var reachOut: ReachOut
    @OptionalField(key: "followed_up_at") var followedUpAt: Date?
    @OptionalField(key: "followed_up_by") var followedUpBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID, day: CalendarDate) {
        self.organizationID = organizationID
        self.$participant.id = participantID
        self.localDate = day.description
        self.reachOut = .none
    }

    var answers: CheckInAnswers {
        CheckInAnswers(
            mood: mood, craving: craving, use: substanceUse,
            supports: ValueList.split(supports), wentWell: wentWell, wantsReachOut: reachOut == .open)
    }

    /// Copies valid, normalized answers. Asking for a reach-out opens one, also again after a
    /// coach followed up an earlier ask that day; taking the ask back before the coach has
    /// answered closes it; leaving the box empty keeps a follow-up as it was.
    func apply(_ answers: CheckInAnswers) {
        mood = answers.mood ?? 0
        craving = answers.craving ?? 0
        substanceUse = answers.use
        supports = answers.supports.joined(separator: ",")
        wentWell = answers.wentWell
        switch (answers.wantsReachOut, reachOut) {
        case (true, .none), (true, .followedUp):
            reachOut = .open
            followedUpAt = nil
            followedUpBy = nil
        case (false, .open):
            reachOut = .none
        default:
            break
        }
    }
}

extension CheckIn: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $organizationID.output(from: output)
        try $participant.output(from: output)
        try $localDate.output(from: output)
        try $mood.output(from: output)
        try $craving.output(from: output)
        try $substanceUse.output(from: output)
        try $supports.output(from: output)
        try $wentWell.output(from: output)
        try $reachOut.output(from: output)
        try $followedUpAt.output(from: output)
        try $followedUpBy.output(from: output)
        try $createdAt.output(from: output)
        try $updatedAt.output(from: output)
    }
}
