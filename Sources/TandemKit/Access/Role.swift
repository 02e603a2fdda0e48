/// What a person is in one organization. A person may hold different roles in
/// different organizations; within one organization they hold one.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case admin, supervisor, coach, participant, family, partner

    /// Staff run the organization's work and may be required to use two-factor sign-in.
    public var isStaff: Bool {
        switch self {
        case .admin, .supervisor, .coach: true
        case .participant, .family, .partner: false
        }
    }

    /// Participants and family members are coached on a record of their own.
    public var hasOwnRecord: Bool { self == .participant || self == .family }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
