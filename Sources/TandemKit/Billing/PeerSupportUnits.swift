/// HCPCS H0038, "self-help/peer services, per 15 minutes": turning minutes of service into
/// billable units. There is no single national rule, so the organization chooses one.
public enum UnitRule: String, CaseIterable, Codable, Sendable {
    /// The CMS 8-minute rule on the day's total: 0–7 minutes no unit, 8–22 one, 23–37 two,
    /// and one more for each further 15 minutes.
    case cms8
    /// One unit for each full 15 minutes of a session (1–14 minutes bill nothing).
    case full15

    /// Units for `minutes` of service under this rule (negative minutes count as none).
    public func units(minutes: Int) -> Int {
        let minutes = max(0, minutes)
        switch self {
        // 8 minutes reach the first unit, and each next unit starts 15 minutes later
        // (23, 38, 53, 68, …): the number of 15-minute steps after adding 7.
        case .cms8: return (minutes + 7) / 15
        case .full15: return minutes / 15
        }
    }
}

/// The HCPCS code for peer support services.
public let peerSupportCode = "H0038"

/// One signed session's billable time for one participant.
public struct BillableService: Sendable, Equatable {
    public let participantID: String
    public let day: CalendarDate
    public let code: String
    /// Payer and service modifiers in the order they are reported (e.g. "HQ" for a group).
    public let modifiers: [String]
    public let minutes: Int
    /// Who delivered it (reported on the line; several providers on one day share the line).
    public let provider: String
    /// Who pays for it: lines are kept apart by payer, since each payer gets its own claim.
    public let payer: String

    public init(
        participantID: String, day: CalendarDate, code: String, modifiers: [String], minutes: Int,
        provider: String = "", payer: String = ""
    ) {
        self.participantID = participantID
        self.day = day
        self.code = code
        self.modifiers = modifiers
        self.minutes = minutes
        self.provider = provider
        self.payer = payer
    }
}

/// What is billed for one participant, day, code and set of modifiers.
public struct BillingDay: Sendable, Equatable {
    public let participantID: String
    public let day: CalendarDate
    public let code: String
    public let modifiers: [String]
    public let payer: String
    /// The providers of the day's sessions, each once, in the order first met.
    public let providers: [String]
    /// Minutes of service that day, all sessions together.
    public let minutes: Int
    public let sessions: Int
    /// Units billed, after the daily cap.
    public let units: Int
    /// Whether the daily cap lowered the units.
    public let capped: Bool
}

public enum PeerSupportBilling {
    /// The billing lines for `services`: one per participant, day, code, modifiers and payer, in
    /// that order. Under `cms8` the day's minutes are added up before the rule applies (the rule
    /// is about the day's total); under `full15` each session counts its own full quarter
    /// hours, which are then added up. A `dailyCap` limits a person's units for the day across
    /// all their lines (individual and group, any payer): lines are filled in their order and
    /// a line the cap lowers says so.
    public static func days(_ services: [BillableService], rule: UnitRule, dailyCap: Int?) -> [BillingDay] {
        struct Key: Hashable {
            let participantID: String
            let day: CalendarDate
            let code: String
            let modifiers: [String]
            let payer: String
        }
        var grouped: [Key: [BillableService]] = [:]
        for service in services {
            grouped[
                Key(
                    participantID: service.participantID, day: service.day, code: service.code,
                    modifiers: service.modifiers, payer: service.payer),
                default: []
            ].append(service)
        }
        let lines = grouped.map { key, group -> BillingDay in
            let minutes = group.reduce(0) { $0 + max(0, $1.minutes) }
            let raw: Int
            switch rule {
            case .cms8: raw = rule.units(minutes: minutes)
            case .full15: raw = group.reduce(0) { $0 + rule.units(minutes: $1.minutes) }
            }
            var providers: [String] = []
            for service in group where !providers.contains(service.provider) { providers.append(service.provider) }
            return BillingDay(
                participantID: key.participantID, day: key.day, code: key.code, modifiers: key.modifiers,
                payer: key.payer, providers: providers, minutes: minutes, sessions: group.count, units: raw,
                capped: false)
        }
        let sorted = lines.sorted {
            ($0.participantID, $0.day.description, $0.code, $0.modifiers.joined(separator: ","), $0.payer)
                < ($1.participantID, $1.day.description, $1.code, $1.modifiers.joined(separator: ","), $1.payer)
        }
        guard let dailyCap else { return sorted }
        var left: [String: Int] = [:]
        return sorted.map { line in
            let key = line.participantID + "\u{1}" + line.day.description
            let available = left[key] ?? max(0, dailyCap)
            let units = min(line.units, available)
            left[key] = available - units
            return BillingDay(
                participantID: line.participantID, day: line.day, code: line.code, modifiers: line.modifiers,
                payer: line.payer, providers: line.providers, minutes: line.minutes, sessions: line.sessions,
                units: units, capped: units < line.units)
        }
    }
}
