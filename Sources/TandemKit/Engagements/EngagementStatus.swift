/// Where an engagement stands. Referred people become active; active and paused move
/// back and forth; an engagement ends completed, or closed with a reason.
public enum EngagementStatus: String, Codable, Sendable, CaseIterable {
    case referred, active, paused, completed, closed

    /// The statuses this one may move to.
    public var next: [EngagementStatus] {
        switch self {
        case .referred: [.active, .closed]
        case .active: [.paused, .completed, .closed]
        case .paused: [.active, .completed, .closed]
        case .completed, .closed: []
        }
    }

    public var isOpen: Bool { !next.isEmpty }

    public func canMove(to status: EngagementStatus) -> Bool { next.contains(status) }
}

/// Why an engagement was closed rather than completed. Worded without blame: people
/// leave services for many reasons and may come back at any time.
public enum CloseReason: String, Codable, Sendable, CaseIterable {
    case declined, lostContact = "lost_contact", moved, transferred, otherServices = "other_services", other
}

/// A requested status change, checked before anything is saved.
public enum StatusChange {
    /// The message key of what is wrong with moving `from` to `to` with `reason`, or nil.
    public static func problem(from: EngagementStatus, to: EngagementStatus, reason: CloseReason?) -> String? {
        guard from.canMove(to: to) else { return "error_status_move" }
        if to == .closed, reason == nil { return "error_close_reason_missing" }
        return nil
    }
}
