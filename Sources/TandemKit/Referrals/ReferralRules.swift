/// Where a referral stands. It goes forward from suggested to connected (steps may be
/// skipped: someone may walk in the same day), closes with an outcome once connected, or ends
/// as declined or could-not-connect from any open step.
public enum ReferralStatus: String, Sendable, CaseIterable, Codable {
    case suggested, contacted, scheduled, connected, closed, declined
    case couldNotConnect = "could_not_connect"

    public var isOpen: Bool {
        switch self {
        case .suggested, .contacted, .scheduled, .connected: true
        case .closed, .declined, .couldNotConnect: false
        }
    }

    static let forward: [ReferralStatus] = [.suggested, .contacted, .scheduled, .connected]

    /// The steps a referral may take from here.
    public var next: [ReferralStatus] {
        guard isOpen else { return [] }
        let index = Self.forward.firstIndex(of: self)!
        var steps = Array(Self.forward[(index + 1)...])
        if self == .connected { steps.append(.closed) }
        return steps + [.declined, .couldNotConnect]
    }

    public func canMove(to status: ReferralStatus) -> Bool { next.contains(status) }
}

/// How a closed referral turned out.
public enum ReferralOutcome: String, Sendable, CaseIterable, Codable {
    /// Got the help they went for.
    case helped
    /// Connected, and keeps going there.
    case ongoing
    /// Connected, but it was not a fit.
    case notAFit = "not_a_fit"
    case other
}

/// The rules for making a referral and for moving it on. The person's agreement comes first:
/// a referral stays "suggested" until they have said yes.
public enum ReferralRules {
    public static let reasonLimit = 500
    public static let noteLimit = 2000
    /// A follow-up date no further ahead than this.
    public static let followUpDays = 366

    public static func problems(reason: String, notes: String, followUp: String, today: CalendarDate)
        -> [(field: String, key: String)]
    {
        var found: [(String, String)] = []
        if reason.isEmpty { found.append(("reason", "error_referral_reason_required")) }
        if reason.count > reasonLimit { found.append(("reason", "error_text_too_long")) }
        if notes.count > noteLimit { found.append(("notes", "error_text_too_long")) }
        found += followUpProblems(followUp, today: today)
        return found
    }

    public static func followUpProblems(_ followUp: String, today: CalendarDate) -> [(field: String, key: String)] {
        guard !followUp.isEmpty else { return [] }
        guard let day = CalendarDate(followUp) else { return [("follow_up", "error_date_invalid")] }
        if day < today { return [("follow_up", "error_referral_follow_up_past")] }
        if today.days(until: day) > followUpDays { return [("follow_up", "error_referral_follow_up_far")] }
        return []
    }

    /// What is wrong with moving from `current` to `status` (agreement, outcome, note), if anything.
    public static func moveProblems(
        from current: ReferralStatus, to status: ReferralStatus, agreed: Bool, outcome: String, note: String
    ) -> [(field: String, key: String)] {
        guard current.canMove(to: status) else { return [("status", "error_referral_step")] }
        var found: [(String, String)] = []
        if !agreed && status.isOpen { found.append(("agreed", "error_referral_not_agreed")) }
        if status == .closed && ReferralOutcome(rawValue: outcome) == nil {
            found.append(("outcome", "error_referral_outcome"))
        }
        if note.count > noteLimit { found.append(("note", "error_text_too_long")) }
        return found
    }
}
