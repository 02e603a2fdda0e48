import Fluent
import Foundation

/// Which reminders a person wants. Without a row: appointment and BARC-10 reminders on,
/// the daily check-in reminder off until they choose a time.
final class ReminderPreference: Model, @unchecked Sendable {
    static let schema = "reminder_preferences"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "appointments") var appointments: Bool
    @Field(key: "check_in") var checkIn: Bool
    /// `HH:MM` in the person's time zone, or empty.
    @Field(key: "check_in_time") var checkInTime: String
    @Field(key: "recovery_capital") var recoveryCapital: Bool

    init() {}

    init(organizationID: UUID, userID: UUID) {
        self.organizationID = organizationID
        self.userID = userID
        self.appointments = true
        self.checkIn = false
        self.checkInTime = ""
        self.recoveryCapital = true
    }
}
