import Foundation

/// The contacts planned when a hand-off is accepted: a warm introduction call before
/// discharge, then the organization's aftercare template counted from the discharge day
/// (by default within 24 hours, then weekly for 12 weeks).
///
/// Each planned contact has a window, from the day after the previous one was due to its own
/// due day. A contact with the person (a signed session note, an attended appointment, an
/// outreach attempt that reached them) completes every planned contact whose window has
/// opened and that was still open: on time when on or before its due day, late otherwise.
/// So a gap stays visible as late contacts, and one call never counts for weeks to come.
public enum AftercarePlan {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case introduction, aftercare
    }

    public struct Contact: Sendable, Equatable {
        public let kind: Kind
        /// 0 for the introduction, then 1, 2, … in order.
        public let sequence: Int
        public let opensOn: CalendarDate
        public let dueOn: CalendarDate

        public init(kind: Kind, sequence: Int, opensOn: CalendarDate, dueOn: CalendarDate) {
            self.kind = kind
            self.sequence = sequence
            self.opensOn = opensOn
            self.dueOn = dueOn
        }
    }

    /// Days after discharge of the default template: within 24 hours, then weekly for 12 weeks.
    public static let defaultDays = [1] + (1...12).map { $0 * 7 }
    public static let dayRange = 1...365
    public static let mostContacts = 30

    /// Template days as typed ("1, 7, 14"): whole days in range, each once, in order, at
    /// most 30; nil when one is not. An empty template plans only the introduction.
    public static func parseDays(_ text: String) -> [Int]? {
        var days: [Int] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" || $0 == "\n" }) {
            guard let day = Int(part), dayRange.contains(day) else { return nil }
            if !days.contains(day) { days.append(day) }
        }
        return days.count <= mostContacts ? days.sorted() : nil
    }

    /// The contacts planned on `accepted` for a discharge on `discharge`. The introduction is
    /// due by the discharge day, and never before the day after acceptance (someone accepted
    /// on the day they leave, or after, gets their call by the next day); template contacts
    /// already past by then are not planned, since nobody could make them on time.
    public static func plan(accepted: CalendarDate, discharge: CalendarDate, days: [Int]) -> [Contact] {
        let introDue = max(discharge, accepted.adding(days: 1) ?? accepted)
        var contacts = [Contact(kind: .introduction, sequence: 0, opensOn: accepted, dueOn: introDue)]
        var previousDue = introDue
        for day in days.sorted() {
            guard let due = discharge.adding(days: day), due > previousDue, let opens = previousDue.adding(days: 1)
            else { continue }
            contacts.append(Contact(kind: .aftercare, sequence: contacts.count, opensOn: opens, dueOn: due))
            previousDue = due
        }
        return contacts
    }

    /// How a planned contact stands on `today`.
    public enum Timing: String, Sendable, Equatable {
        /// Its window has not opened.
        case upcoming
        /// Its window is open and nothing has happened yet.
        case due
        /// Its due day has passed without contact.
        case overdue
        case onTime = "on_time"
        case late
    }

    public static func timing(
        opensOn: CalendarDate, dueOn: CalendarDate, completedOn: CalendarDate?, today: CalendarDate
    )
        -> Timing
    {
        if let completedOn { return completedOn <= dueOn ? .onTime : .late }
        if today > dueOn { return .overdue }
        return today >= opensOn ? .due : .upcoming
    }
}
