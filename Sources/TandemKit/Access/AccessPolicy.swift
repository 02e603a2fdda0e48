/// Organization-level actions whose permission depends only on the actor's role.
/// Decisions about one participant's records add consent and assignment checks on top.
public enum OrganizationAction: String, Sendable, CaseIterable {
    case viewMembers
    case inviteMembers
    case changeMemberRole
    case issuePasswordReset
    case editSettings
    case viewCaseloads
    case viewAuditLog
    case viewOwnAccount
    /// Approve signed session notes or send them back (where the organization reviews notes).
    case reviewNotes
    /// Produce the billing export.
    case exportBilling
    /// Read the organization's reports (services, retention, recovery capital).
    case viewReports
    /// Add, change and remove entries of the resource directory.
    case manageResources
    /// Import the directory from a CSV file (many entries at once).
    case importResources
    /// Refer a person from a treatment center before discharge (a partner's liaison).
    case referHandoffs
    /// Accept or decline hand-offs, assigning a coach.
    case acceptHandoffs
    /// Publish online programs and record their payments.
    case managePrograms
    /// Write and publish articles on the organization's public site.
    case writeArticles
    /// Approve, hide or delete readers' comments, and set the public site's words.
    case moderateComments
}

/// Who may do what, as a pure function so it can be tested as a table.
public enum AccessPolicy {
    public static func can(_ role: Role, _ action: OrganizationAction) -> Bool {
        switch action {
        case .viewOwnAccount:
            return true
        case .viewMembers:
            return role == .admin || role == .supervisor
        case .inviteMembers, .changeMemberRole, .issuePasswordReset, .editSettings, .viewAuditLog:
            return role == .admin
        case .viewCaseloads, .manageResources, .writeArticles:
            return role.isStaff
        case .reviewNotes, .exportBilling, .viewReports, .importResources, .acceptHandoffs, .moderateComments:
            return role == .admin || role == .supervisor
        case .referHandoffs:
            return role == .partner
        case .managePrograms:
            return role == .admin
        }
    }

    /// Which roles a member with `role` may invite. Admins invite anyone; nobody else invites.
    public static func invitableRoles(by role: Role) -> [Role] {
        role == .admin ? Role.allCases : []
    }
}
