import Foundation

/// The calendar day a check-in belongs to: the participant's own local date when they sent
/// it, in their time zone (or their organization's when they have not chosen one). A
/// check-in at 23:59 in Los Angeles belongs to that evening even though it is already the
/// next day in UTC.
public enum CheckInDay {
    public static func of(_ instant: Date, participantZone: String, organizationZone: String) -> CalendarDate {
        CalendarDate(instant, in: zone(participantZone, organization: organizationZone))
    }

    /// The participant's zone when it is a known one, else the organization's, else UTC.
    public static func zone(_ participant: String, organization: String) -> TimeZone {
        if !participant.isEmpty, let zone = TimeZone(identifier: participant) { return zone }
        return TimeZone(identifier: organization) ?? .gmt
    }
}
