import Fluent
import Foundation
import TandemKit

/// An organization's outreach rules; without a row, `OutreachPolicy()`'s defaults.
final class OutreachSettings: Model, @unchecked Sendable {
    static let schema = "outreach_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "no_contact_days") var noContactDays: Int
    @Field(key: "missed_appointments") var missedAppointments: Bool
    @Field(key: "reach_out_requests") var reachOutRequests: Bool
    /// Comma-separated days after completion.
    @Field(key: "check_up_days") var checkUpDays: String
    /// Comma-separated days after discharge of a hand-off's aftercare contacts.
    @Field(key: "aftercare_days") var aftercareDays: String

    init() {}

    init(organizationID: UUID) {
        self.organizationID = organizationID
        apply(OutreachPolicy())
    }

    var policy: OutreachPolicy {
        Self.policy(
            noContactDays: noContactDays, missedAppointments: missedAppointments, reachOutRequests: reachOutRequests,
            checkUpDays: checkUpDays, aftercareDays: aftercareDays)
    }

    /// The policy a row's columns describe (also read without the model, by `OutreachService`).
    static func policy(
        noContactDays: Int, missedAppointments: Bool, reachOutRequests: Bool, checkUpDays: String,
        aftercareDays: String
    ) -> OutreachPolicy {
        OutreachPolicy(
            noContactDays: noContactDays, missedAppointments: missedAppointments, reachOutRequests: reachOutRequests,
            checkUpDays: OutreachPolicy.parseCheckUpDays(checkUpDays) ?? [],
            aftercareDays: AftercarePlan.parseDays(aftercareDays) ?? AftercarePlan.defaultDays)
    }

    func apply(_ policy: OutreachPolicy) {
        noContactDays = policy.noContactDays
        missedAppointments = policy.missedAppointments
        reachOutRequests = policy.reachOutRequests
        checkUpDays = policy.checkUpDays.map(String.init).joined(separator: ", ")
        aftercareDays = policy.aftercareDays.map(String.init).joined(separator: ", ")
    }
}

/// One try at reaching a person: how, how it went, and what prompted it.
final class OutreachAttempt: Model, @unchecked Sendable {
    static let schema = "outreach_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "coach_id") var coachID: UUID
    @Enum(key: "method") var method: OutreachMethod
    @Enum(key: "outcome") var outcome: OutreachOutcome
    /// An `OutreachReason` raw value, or empty for an attempt made for no listed reason.
    @Field(key: "reason") var reason: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(
        organizationID: UUID, participantID: UUID, coachID: UUID, method: OutreachMethod, outcome: OutreachOutcome,
        reason: String, at: Date
    ) {
        self.organizationID = organizationID
        self.participantID = participantID
        self.coachID = coachID
        self.method = method
        self.outcome = outcome
        self.reason = reason
        self.createdAt = at
    }
}
