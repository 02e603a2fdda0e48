import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Who is acting, in which organization, whether through a page or the API.
struct Actor: Sendable {
    let user: User
    let organization: Organization
    let role: Role

    var userID: UUID { user.id! }
    var organizationID: UUID { organization.id! }
}

extension SignedIn {
    var actor: Actor { Actor(user: user, organization: organization, role: role) }
}

/// The one way to reach an organization's participant data. Every query of tenant data
/// starts here, already bound to the actor's organization, so a query that is not scoped
/// stands out in review. Whether the actor may see a record is decided afterwards by
/// `ParticipantAccess` from the relation this scope reports.
struct TenantScope: Sendable {
    let actor: Actor
    let db: any Database

    var organizationID: UUID { actor.organizationID }

    func participants() -> QueryBuilder<Participant> {
        Participant.query(on: db).filter(\.$organization.$id == organizationID)
    }

    func searchTerms() -> QueryBuilder<ParticipantSearchTerm> {
        ParticipantSearchTerm.query(on: db).filter(\.$organizationID == organizationID)
    }

    func engagements() -> QueryBuilder<Engagement> {
        Engagement.query(on: db).filter(\.$organizationID == organizationID)
    }

    func engagementCoaches() -> QueryBuilder<EngagementCoach> {
        EngagementCoach.query(on: db).filter(\.$organizationID == organizationID)
    }

    /// The people `coach` coaches in an engagement still running, by plain SQL: a caseload
    /// of a hundred decoded as joined Fluent models took a third of the caseload page.
    func openlyCoachedParticipants(by coach: UUID) async throws -> Set<UUID> {
        guard let sql = db as? any SQLDatabase else { return [] }
        let rows = try await sql.raw(
            """
            SELECT e.participant_id FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
            WHERE c.coach_id = \(bind: coach) AND c.organization_id = \(bind: organizationID) \
            AND e.organization_id = \(bind: organizationID) AND e.status NOT IN ('completed', 'closed')
            """
        ).all()
        return Set(try rows.map { try $0.uuid("participant_id") })
    }

    func agreementVersions() -> QueryBuilder<AgreementVersion> {
        AgreementVersion.query(on: db).filter(\.$organizationID == organizationID)
    }

    func signatures() -> QueryBuilder<AgreementSignature> {
        AgreementSignature.query(on: db).filter(\.$organizationID == organizationID)
    }

    func memberships() -> QueryBuilder<Membership> {
        Membership.query(on: db).filter(\.$organization.$id == organizationID)
    }

    /// The participant with `id` in this organization, or nil (another organization's
    /// records are as good as absent).
    func participant(_ id: UUID) async throws -> Participant? {
        try await participants().filter(\.$id == id).first()
    }

    func engagement(_ id: UUID) async throws -> Engagement? {
        try await engagements().filter(\.$id == id).first()
    }

    /// The participant with `id` in this organization and how the actor stands to them, in
    /// one query (every participant page and check-in starts here); nil when absent.
    func participantAndRelation(_ id: UUID) async throws -> (Participant, ParticipantRelation)? {
        guard let sql = db as? any SQLDatabase else {
            guard let participant = try await participant(id) else { return nil }
            return (participant, try await relation(to: participant))
        }
        let asCoach = actor.role == .coach || actor.role.isStaff
        // The same question as `relation(to:)`: is the actor a coach of any of the
        // participant's engagements in this organization.
        let coached: SQLQueryString =
            asCoach
            ? """
            EXISTS (SELECT 1 FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
            WHERE c.organization_id = \(bind: organizationID) AND c.coach_id = \(bind: actor.userID) \
            AND e.participant_id = p.id)
            """ : "FALSE"
        guard
            let row = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.participantColumns), \(coached) AS coached FROM participants p \
                WHERE p.organization_id = \(bind: organizationID) AND p.id = \(bind: id)
                """
            ).first()
        else { return nil }
        let participant = try Participant.load(from: row, prefix: "p_")
        let isSelf = participant.$user.id != nil && participant.$user.id == actor.userID
        let isCoach = try row.decode(column: "coached", as: Bool.self)
        return (participant, ParticipantRelation(isSelf: isSelf, isTheirCoach: asCoach && isCoach))
    }

    private static let participantColumns = Participant.columns(as: "p").joined(separator: ", ")

    /// How the actor stands to a participant: their own record, or coach of any of their engagements.
    func relation(to participant: Participant) async throws -> ParticipantRelation {
        let isSelf = participant.$user.id != nil && participant.$user.id == actor.userID
        guard actor.role == .coach || actor.role.isStaff else { return ParticipantRelation(isSelf: isSelf) }
        let coached =
            try await engagementCoaches().filter(\.$coach.$id == actor.userID)
            .join(Engagement.self, on: \EngagementCoach.$engagement.$id == \Engagement.$id)
            .filter(Engagement.self, \.$participant.$id == participant.id!).first() != nil
        return ParticipantRelation(isSelf: isSelf, isTheirCoach: coached)
    }

    /// How the actor stands to one engagement: the participant's own, or one of its coaches.
    func relation(to engagement: Engagement, of participant: Participant) async throws -> ParticipantRelation {
        let isSelf = participant.$user.id != nil && participant.$user.id == actor.userID
        let coached =
            try await engagementCoaches().filter(\.$engagement.$id == engagement.id!)
            .filter(\.$coach.$id == actor.userID).first() != nil
        return ParticipantRelation(isSelf: isSelf, isTheirCoach: coached)
    }
}
