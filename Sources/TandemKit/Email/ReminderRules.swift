import Foundation

/// When reminders go out. Each has a key so that it is queued once, however often the
/// rules are checked: an appointment's keys carry its change count, so a moved appointment
/// is reminded of again at its new time.
public enum ReminderRules {
    public enum AppointmentReminder: String, Sendable, CaseIterable {
        /// The day before: from 24 hours ahead until 12 hours ahead.
        case dayBefore = "appointment_24h"
        /// Soon: from an hour ahead until ten minutes ahead.
        case hourBefore = "appointment_1h"

        var window: (from: TimeInterval, until: TimeInterval) {
            switch self {
            case .dayBefore: (24 * 3600, 12 * 3600)
            case .hourBefore: (3600, 600)
            }
        }
    }

    /// The appointment reminder due at `now` for an appointment starting at `start`, if any.
    public static func appointmentReminder(start: Date, now: Date) -> AppointmentReminder? {
        let ahead = start.timeIntervalSince(now)
        return AppointmentReminder.allCases.first { ahead <= $0.window.from && ahead > $0.window.until }
    }

    public static func appointmentKey(_ reminder: AppointmentReminder, appointmentID: String, changes: Int) -> String {
        "\(reminder.rawValue):\(appointmentID.lowercased()):\(changes)"
    }

    /// How long after the chosen time a check-in reminder may still go out (a worker that
    /// was down for a while does not send yesterday's reminder at midnight).
    public static let checkInWindowMinutes = 120

    /// Whether the daily check-in reminder is due: the person's local time has reached the
    /// time they chose (within the window), and they have not checked in today.
    public static func checkInDue(chosen: TimeOfDay, localTime: TimeOfDay, checkedInToday: Bool) -> Bool {
        !checkedInToday && localTime >= chosen && localTime.minutes < chosen.minutes + checkInWindowMinutes
    }

    public static func checkInKey(participantID: String, day: CalendarDate) -> String {
        "check_in:\(participantID.lowercased()):\(day)"
    }

    public static func recoveryCapitalKey(participantID: String, due: CalendarDate) -> String {
        "barc_due:\(participantID.lowercased()):\(due)"
    }
}
