/// What someone may do with one participant's records.
public enum ParticipantAction: String, Sendable, CaseIterable {
    /// Read the profile, engagements and agreement.
    case view
    /// Add a new participant (with their first engagement).
    case create
    /// Change the profile.
    case update
    /// Remove the participant and everything recorded about them.
    case delete
    /// Open another engagement, or change an engagement's status.
    case manageEngagements
    /// Change who coaches an engagement.
    case reassign
    /// Sign the agreement as the coach.
    case signAsCoach
    /// Sign the agreement as the participant, from their own account.
    case signAsParticipant
    /// Record the participant's signature given in person on the coach's screen.
    case recordInPersonSignature
    /// Give the participant a link to sign in.
    case inviteToSignIn
    /// See who looked at or changed the record.
    case viewAccessHistory
    /// Send (or change) today's check-in: the participant's own act.
    case checkIn
    /// Mark a check-in's "please reach out" as followed up.
    case followUp
    /// See the recovery start date, day count and milestones: the person's own, shared
    /// with their coaches only.
    case viewRecoveryDate
    /// Download the records (check-ins as CSV, the FHIR bundle).
    case export
    /// Fill in the BARC-10: the person alone, or with their coach.
    case assessRecoveryCapital
    /// Write and change the recovery plan: the person and their coaches.
    case editPlan
    /// Record a contact with the person in a session note: their coaches.
    case writeNotes
    /// Read the session notes about the person: their coaches, supervisors and admins (who
    /// review them), and the person themself (signed notes only).
    case viewNotes
    /// Plan, move, cancel and record appointments with the person: their coaches.
    case schedule
    /// See the person's appointments: their coaches, supervisors and admins, the person.
    case viewAppointments
    /// Refer the person to a resource and move the referral on: the person and their coaches.
    case refer
    /// See the person's referrals: the person, their coaches, supervisors and admins.
    case viewReferrals
    /// Keep the place the person searches near (for resources and meetings): the person,
    /// their coaches, supervisors and admins.
    case savePlace
    /// Give, sign and revoke consents to share records: the person, or their coach together
    /// with the person, who signs.
    case manageConsents
    /// See who can see what and the disclosures made: the person, their coaches, supervisors
    /// and admins.
    case viewDisclosures
    /// Download everything recorded about the person: the person, and admins answering a
    /// request made to the organization.
    case downloadData
    /// Ask for something in the record to be corrected: the person.
    case requestCorrection
    /// Answer a request for correction: their coaches, supervisors and admins.
    case answerCorrections
    /// Replace the person's identifying details for good while keeping the counts: admins.
    case anonymize
    /// Send a family member's own wellbeing check-in: the family member.
    case wellbeingCheckIn
    /// Read and write the secure messages of an engagement: the person and that engagement's
    /// coaches, nobody else (not supervisors or admins who do not coach it).
    case message
}

/// How the actor stands to one participant (or, for engagement actions, to one engagement).
public struct ParticipantRelation: Sendable, Hashable {
    /// The record is the actor's own.
    public var isSelf: Bool
    /// The actor is one of the coaches of the engagement in question (for record-level
    /// actions, of any of the participant's engagements).
    public var isTheirCoach: Bool

    public init(isSelf: Bool = false, isTheirCoach: Bool = false) {
        self.isSelf = isSelf
        self.isTheirCoach = isTheirCoach
    }

    public static let none = ParticipantRelation()
    public static let own = ParticipantRelation(isSelf: true)
    public static let coach = ParticipantRelation(isTheirCoach: true)
}

/// Who may do what with a participant's records: admins and supervisors across their
/// organization, a coach only for the people of their own engagements, a participant only
/// for themself. Family members and partners see nothing until consent allows it.
public enum ParticipantAccess {
    public static func can(_ role: Role, _ action: ParticipantAction, _ relation: ParticipantRelation) -> Bool {
        switch role {
        case .admin, .supervisor:
            switch action {
            case .view, .create, .update, .manageEngagements, .reassign, .inviteToSignIn, .followUp, .export,
                .viewNotes, .viewAppointments, .viewReferrals, .savePlace, .viewDisclosures, .answerCorrections:
                return true
            case .delete, .viewAccessHistory, .downloadData, .anonymize: return role == .admin
            case .signAsCoach, .recordInPersonSignature, .viewRecoveryDate, .assessRecoveryCapital, .editPlan,
                .writeNotes, .schedule, .refer, .manageConsents, .message:
                return relation.isTheirCoach
            case .signAsParticipant, .checkIn, .requestCorrection, .wellbeingCheckIn: return false
            }
        case .coach:
            switch action {
            case .create: return true
            case .view, .update, .manageEngagements, .signAsCoach, .recordInPersonSignature, .inviteToSignIn,
                .followUp, .viewRecoveryDate, .export, .assessRecoveryCapital, .editPlan, .writeNotes, .viewNotes,
                .schedule, .viewAppointments, .refer, .viewReferrals, .savePlace, .manageConsents, .viewDisclosures,
                .answerCorrections, .message:
                return relation.isTheirCoach
            case .delete, .reassign, .signAsParticipant, .viewAccessHistory, .checkIn, .downloadData,
                .requestCorrection, .anonymize, .wellbeingCheckIn:
                return false
            }
        case .participant, .family:
            // A family member is coached as a participant of their own; their own record is
            // theirs in the same way, with a check-in about their own wellbeing instead of the
            // recovery one. A loved one's record opens only through consent.
            switch action {
            // `update` is their own details; the service keeps the legal name, date of birth and
            // address as the organization recorded them (a request for correction changes those).
            case .view, .update, .signAsParticipant, .viewAccessHistory, .viewRecoveryDate, .export, .editPlan,
                .viewNotes, .viewAppointments, .refer, .viewReferrals, .savePlace, .manageConsents, .viewDisclosures,
                .downloadData, .requestCorrection, .message:
                return relation.isSelf
            // The BARC-10 asks about one's own substance use: a family member's own record has
            // their wellbeing check-in instead.
            case .checkIn, .assessRecoveryCapital: return role == .participant && relation.isSelf
            case .wellbeingCheckIn: return role == .family && relation.isSelf
            default: return false
            }
        case .partner:
            return false
        }
    }

    /// Whose records a role's lists and searches cover.
    public enum Reach: Sendable, Equatable {
        case organization, ownEngagements, ownRecord, nothing
    }

    public static func reach(of role: Role) -> Reach {
        switch role {
        case .admin, .supervisor: .organization
        case .coach: .ownEngagements
        case .participant, .family: .ownRecord
        case .partner: .nothing
        }
    }
}
