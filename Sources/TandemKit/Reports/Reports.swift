/// The organization's reports for a period, computed from plain records so they can be
/// tested as tables: services delivered, engagement retention, recovery capital change.
public enum Reports {
    // MARK: Services delivered

    /// One person's part in one signed session.
    public struct Contact: Sendable {
        public let sessionID: String
        public let participantID: String
        public let minutes: Int
        public let mode: String
        public let serviceType: String
        public let coach: String

        public init(
            sessionID: String, participantID: String, minutes: Int, mode: String, serviceType: String, coach: String
        ) {
            self.sessionID = sessionID
            self.participantID = participantID
            self.minutes = minutes
            self.mode = mode
            self.serviceType = serviceType
            self.coach = coach
        }
    }

    /// Sessions (each once), contacts (each person in each session) and minutes for one group.
    public struct Tally: Sendable, Equatable {
        public let key: String
        public var sessions: Int
        public var contacts: Int
        public var minutes: Int
        public var people: Int
    }

    /// Counts by `key`: a session's minutes count once per group it falls in, so a group
    /// session counts its minutes once for a mode or a coach, and once for each service type
    /// its people receive.
    public static func tally(_ contacts: [Contact], by key: (Contact) -> String) -> [Tally] {
        var order: [String] = []
        var sessions: [String: Set<String>] = [:]
        var people: [String: Set<String>] = [:]
        var counts: [String: (contacts: Int, minutes: Int)] = [:]
        var counted = Set<String>()
        for contact in contacts {
            let group = key(contact)
            if counts[group] == nil {
                order.append(group)
                counts[group] = (0, 0)
            }
            counts[group]!.contacts += 1
            sessions[group, default: []].insert(contact.sessionID)
            people[group, default: []].insert(contact.participantID)
            if counted.insert(group + "\u{1}" + contact.sessionID).inserted {
                counts[group]!.minutes += contact.minutes
            }
        }
        return order.map {
            Tally(
                key: $0, sessions: sessions[$0]?.count ?? 0, contacts: counts[$0]!.contacts,
                minutes: counts[$0]!.minutes, people: people[$0]?.count ?? 0)
        }.sorted { ($0.minutes, $1.key) > ($1.minutes, $0.key) }
    }

    public static func total(_ contacts: [Contact]) -> Tally {
        tally(contacts, by: { _ in "" }).first ?? Tally(key: "", sessions: 0, contacts: 0, minutes: 0, people: 0)
    }

    // MARK: Retention

    public struct Engagement: Sendable {
        public let start: CalendarDate
        /// When it ended (completed or closed), if it has.
        public let end: CalendarDate?
        public let status: EngagementStatus

        public init(start: CalendarDate, end: CalendarDate?, status: EngagementStatus) {
            self.start = start
            self.end = end
            self.status = status
        }
    }

    public struct Retention: Sendable, Equatable {
        public let days: Int
        /// Engagements that started at least `days` ago.
        public let eligible: Int
        /// Of those, the ones not closed (dropped) before day `days`: still going, or completed.
        public let retained: Int

        public var share: Double? { eligible == 0 ? nil : Double(retained) / Double(eligible) }
    }

    public static let retentionDays = [30, 90, 180]

    public static func retention(_ engagements: [Engagement], today: CalendarDate, days: [Int] = retentionDays)
        -> [Retention]
    {
        days.map { mark in
            let eligible = engagements.filter { $0.start.days(until: today) >= mark }
            let retained = eligible.filter { engagement in
                guard engagement.status == .closed else { return true }
                guard let end = engagement.end else { return false }
                return engagement.start.days(until: end) >= mark
            }
            return Retention(days: mark, eligible: eligible.count, retained: retained.count)
        }
    }

    // MARK: Recovery capital

    public struct CapitalChange: Sendable, Equatable {
        /// People with a first and a later scored BARC-10.
        public let people: Int
        public let meanFirst: Double?
        public let meanLatest: Double?
        public let meanChange: Double?
        /// Shares (0…1) at or above the reference score, first and latest.
        public let atOrAboveFirst: Double?
        public let atOrAboveLatest: Double?
    }

    /// From each person's scored totals in date order: their first and latest.
    public static func capitalChange(_ totalsByPerson: [[Int]], reference: Int = BARC10.referenceTotal) -> CapitalChange
    {
        let pairs = totalsByPerson.compactMap { totals -> (Int, Int)? in
            guard totals.count >= 2, let first = totals.first, let latest = totals.last else { return nil }
            return (first, latest)
        }
        guard !pairs.isEmpty else {
            return CapitalChange(
                people: 0, meanFirst: nil, meanLatest: nil, meanChange: nil, atOrAboveFirst: nil, atOrAboveLatest: nil)
        }
        let count = Double(pairs.count)
        let first = Double(pairs.reduce(0) { $0 + $1.0 }) / count
        let latest = Double(pairs.reduce(0) { $0 + $1.1 }) / count
        return CapitalChange(
            people: pairs.count, meanFirst: first, meanLatest: latest, meanChange: latest - first,
            atOrAboveFirst: Double(pairs.filter { $0.0 >= reference }.count) / count,
            atOrAboveLatest: Double(pairs.filter { $0.1 >= reference }.count) / count)
    }

    /// A number with one decimal ("12.5"), or "—".
    public static func oneDecimal(_ value: Double?) -> String {
        guard let value else { return "—" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// A share as a whole percentage ("40%"), or "—".
    public static func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        return "\(Int((share * 100).rounded()))%"
    }
}
