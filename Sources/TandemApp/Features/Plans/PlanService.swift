import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Personal recovery plans: read the current version or any earlier one, save a change as a
/// new version, and agree a version with both signatures. Access goes through
/// `ParticipantService.authorized`; every read and write is audited.
struct PlanService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    /// A plan as one version holds it, with the domains to show in order.
    struct Plan: Sendable {
        let participant: Participant
        let relation: ParticipantRelation
        let version: RecoveryPlanVersion?
        let document: PlanDocument
        let signatures: [RecoveryPlanSignature]
        let domains: [String]

        var number: Int { version?.number ?? 0 }

        func section(_ domain: String) -> PlanDocument.DomainSection {
            document.domains.first { $0.domain == domain } ?? .init(domain: domain)
        }

        func signature(_ signer: String) -> RecoveryPlanSignature? { signatures.first { $0.signer == signer } }

        var isAgreed: Bool { signature("participant") != nil && signature("coach") != nil }
    }

    /// The organization's life domains.
    var organizationDomains: [String] { actor.organization.lifeDomains }

    /// The current version (none before the first save). Audited as a view.
    func current(_ participantID: UUID, audited: Bool = true) async throws -> Plan {
        let (participant, relation) = try await people.authorized(participantID, .view)
        let version = try await versions(of: participantID).sort(\.$number, .descending).first()
        if audited { try await people.audit("plan.view", participant: participantID) }
        return try await plan(participant, relation: relation, version: version)
    }

    /// Version `number`, with the current one to compare it with. Audited as a view.
    func version(_ participantID: UUID, number: Int) async throws -> (Plan, current: Plan) {
        let current = try await current(participantID, audited: false)
        guard
            let version = try await versions(of: participantID).filter(\.$number == number).first()
        else { throw ServiceError.notFound }
        try await people.audit(
            "plan.view", participant: participantID, subjectType: "plan_version", subject: version.id)
        return (try await plan(current.participant, relation: current.relation, version: version), current)
    }

    /// Every version, newest first, with whether it was agreed. Audited as a view.
    func history(_ participantID: UUID) async throws -> (Participant, [(RecoveryPlanVersion, agreed: Bool)]) {
        let (participant, _) = try await people.authorized(participantID, .view)
        let all = try await versions(of: participantID).sort(\.$number, .descending).all()
        let signed = try await RecoveryPlanSignature.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$version.$id ~~ all.compactMap(\.id)).all()
        try await people.audit("plan.history", participant: participantID)
        return (
            participant,
            all.map { version in
                let signers = Set(signed.filter { $0.$version.id == version.id }.map(\.signer))
                return (version, signers.isSuperset(of: ["participant", "coach"]))
            }
        )
    }

    private func plan(_ participant: Participant, relation: ParticipantRelation, version: RecoveryPlanVersion?)
        async throws -> Plan
    {
        let document = version?.document ?? PlanDocument()
        var signatures: [RecoveryPlanSignature] = []
        if let id = version?.id {
            signatures = try await RecoveryPlanSignature.query(on: req.db)
                .filter(\.$organizationID == actor.organizationID).filter(\.$version.$id == id).all()
        }
        // The organization's order, so a section keeps its place (and its address) as the
        // plan grows; sections of domains the organization has since dropped come last.
        var domains = organizationDomains
        for section in document.domains where !domains.contains(section.domain) { domains.append(section.domain) }
        return Plan(
            participant: participant, relation: relation, version: version, document: document,
            signatures: signatures, domains: domains)
    }

    /// Who is editing, as the plan records it.
    func editor(_ relation: ParticipantRelation) -> (role: String, name: String) {
        relation.isSelf ? ("participant", actor.user.displayName) : ("coach", actor.user.displayName)
    }

    /// Saves a change as the next version, if `base` is still the current number (two people
    /// editing at once do not overwrite each other: the later save is refused). `change`
    /// edits the document and returns the problems it found; nothing is stored then. A save
    /// that changes nothing adds no version. Audited.
    func save(
        _ participantID: UUID, base: Int,
        change: (inout PlanDocument, _ editor: (role: String, name: String)) -> [(field: String, key: String)]
    ) async throws -> RecoveryPlanVersion? {
        let (participant, relation) = try await people.authorized(participantID, .editPlan)
        let current = try await plan(
            participant, relation: relation,
            version: try await versions(of: participantID).sort(\.$number, .descending).first())
        guard current.number == base else { throw ServiceError.conflict("error_plan_changed") }
        var document = current.document
        let problems = change(&document, editor(relation))
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        // Whichever part changed, the whole plan keeps its limits.
        let whole = document.structureProblems()
        guard whole.isEmpty else { throw ServiceError.invalid(whole) }
        guard document != current.document else { return current.version }
        let version = RecoveryPlanVersion(
            organizationID: actor.organizationID, participantID: participantID, number: base + 1, document: document)
        let who = editor(relation)
        version.editedBy = actor.userID
        version.editorRole = who.role
        version.editorName = who.name
        do {
            try await version.create(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw ServiceError.conflict("error_plan_changed")
        }
        try await people.audit(
            "plan.update", participant: participantID, subjectType: "plan_version", subject: version.id)
        return version
    }

    /// Signs the current version, which must be `number`: the participant from their own
    /// account, the coach, or the coach recording the participant's signature given in person.
    func sign(_ participantID: UUID, number: Int, signer: String, typedName: String, inPerson: Bool) async throws {
        guard ["coach", "participant"].contains(signer) else {
            throw ServiceError.invalid([("signer", "error_value_invalid")])
        }
        let (participant, relation) = try await people.authorized(participantID, .view)
        let action: ParticipantAction =
            signer == "coach" ? .signAsCoach : inPerson ? .recordInPersonSignature : .signAsParticipant
        guard ParticipantAccess.can(actor.role, action, relation) else {
            try await people.audit("plan.sign", outcome: .denied, participant: participantID)
            throw ServiceError.denied
        }
        let current = try await plan(
            participant, relation: relation,
            version: try await versions(of: participantID).sort(\.$number, .descending).first())
        guard let version = current.version, version.number == number else {
            throw ServiceError.conflict("error_plan_changed")
        }
        if let key = FieldRules.name(typedName) { throw ServiceError.invalid([("typed_name", key)]) }
        guard current.signature(signer) == nil else { throw ServiceError.conflict("error_plan_already_signed") }
        let signature = RecoveryPlanSignature()
        signature.organizationID = actor.organizationID
        signature.$version.id = version.id!
        signature.signer = signer
        signature.typedName = typedName.trimmingCharacters(in: .whitespacesAndNewlines)
        signature.userID = actor.userID
        signature.inPerson = signer == "participant" && inPerson
        signature.signedAt = Date()
        do {
            try await signature.create(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw ServiceError.conflict("error_plan_already_signed")
        }
        try await people.audit(
            "plan.sign", participant: participantID, subjectType: "plan_version", subject: version.id)
    }

    /// Goals done and all goals of the current plan, for pages that audit their own view.
    func goalCounts(of participantID: UUID) async throws -> (done: Int, total: Int)? {
        // Only the two counts (a version also holds the whole plan), by plain SQL: every
        // participant page and home reads them.
        guard let sql = req.db as? any SQLDatabase,
            let row = try await sql.raw(
                """
                SELECT goals_done, goals_total FROM recovery_plan_versions \
                WHERE organization_id = \(bind: actor.organizationID) AND participant_id = \(bind: participantID) \
                ORDER BY number DESC LIMIT 1
                """
            ).first()
        else { return nil }
        return (try row.decode(column: "goals_done", as: Int.self), try row.decode(column: "goals_total", as: Int.self))
    }

    private func versions(of participantID: UUID) -> QueryBuilder<RecoveryPlanVersion> {
        RecoveryPlanVersion.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participant.$id == participantID)
    }
}
