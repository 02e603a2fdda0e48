import Fluent
import Foundation

/// A high-priority alert that a person may need help now, kept until someone acknowledges it.
final class SafetyAlert: Model, @unchecked Sendable {
    static let schema = "safety_alerts"

    enum Source: String, Codable, Sendable, CaseIterable {
        /// A crisis phrase in a check-in.
        case checkIn = "check_in"
        /// A crisis phrase in a message.
        case message
        /// The person pressed "I need help now".
        case helpButton = "help_button"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Enum(key: "source") var source: Source
    /// What raised it (`check_in:<id>`, `message:<id>`, `help_button:<new id>`): one alert each.
    @Field(key: "source_key") var sourceKey: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: UUID?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    /// Who acknowledged it, as named then.
    @Field(key: "acknowledged_name") var acknowledgedName: String
    /// What they did, in their words (optional).
    @Field(key: "note") var note: String

    init() {}
}
