import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// BARC-10 assessments: the participant fills one in alone or with their coach, saving a
/// draft until all ten are answered; anyone who may see the record reads the history. The
/// access checks go through `ParticipantService.authorized`; every read and write is audited.
struct RecoveryCapitalService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    struct History: Sendable {
        let participant: Participant
        let relation: ParticipantRelation
        /// Scored assessments, oldest first.
        let scored: [RecoveryCapitalAssessment]
        let draft: RecoveryCapitalAssessment?
        let today: CalendarDate
        let due: CalendarDate

        var isDue: Bool { due <= today }

        var trend: Trend? {
            Trend.of(previous: scored.dropLast().last?.total, latest: scored.last?.total)
        }
    }

    /// The participant's assessments. Audited as a view.
    func history(_ participantID: UUID) async throws -> History {
        let (participant, relation) = try await people.authorized(participantID, .view)
        let all = try await assessments(of: participantID).sort(\.$completedOn).sort(\.$createdAt).all()
        let today = CheckInService(req, actor: actor).today(for: participant)
        let scored = all.filter { $0.status == .completed }
        try await people.audit("recovery_capital.view", participant: participantID)
        return History(
            participant: participant, relation: relation, scored: scored,
            draft: all.first { $0.status == .draft }, today: today,
            due: Reassessment.due(
                lastScored: scored.last.flatMap { CalendarDate($0.completedOn) },
                intervalDays: actor.organization.reassessmentIntervalDays, today: today))
    }

    /// The draft to continue, if any, for someone who may fill the form in.
    func draft(_ participantID: UUID) async throws -> (Participant, RecoveryCapitalAssessment?) {
        let (participant, _) = try await people.authorized(participantID, .assessRecoveryCapital)
        let draft = try await assessments(of: participantID).filter(\.$status == .draft).first()
        if let draft {
            try await people.audit(
                "recovery_capital.view", participant: participantID, subjectType: "recovery_capital",
                subject: draft.id)
        }
        return (participant, draft)
    }

    /// Saves the answers. With `complete`, all ten must be answered and the form is scored
    /// on the participant's local today; otherwise it is kept as the draft. Nothing is
    /// stored when an answer is out of range, or when completing with answers missing.
    func save(_ participantID: UUID, answers: [Int?], complete: Bool, formKey: String? = nil) async throws
        -> RecoveryCapitalAssessment
    {
        let (participant, relation) = try await people.authorized(participantID, .assessRecoveryCapital)
        // The same form completed again (a double click, the back button) is the one already kept.
        if let formKey, let done = try await sentBefore(participantID, formKey: formKey) { return done }
        let outcome = BARC10.outcome(answers)
        switch outcome {
        case .invalid(let items):
            throw ServiceError.invalid(
                items.isEmpty
                    ? [("answers", "error_value_invalid")] : items.map { ("item_\($0)", "error_value_invalid") })
        case .draft where complete:
            let missing = answers.enumerated().filter { $0.element == nil }.map {
                ("item_\($0.offset + 1)", "error_barc_answer_required")
            }
            throw ServiceError.invalid(missing)
        case .draft, .scored:
            break
        }
        let assessment =
            try await assessments(of: participantID).filter(\.$status == .draft).first()
            ?? RecoveryCapitalAssessment(organizationID: actor.organizationID, participantID: participantID)
        assessment.answers = BARC10.encode(answers)
        assessment.withCoach = !relation.isSelf
        assessment.recordedBy = actor.userID
        if case .scored(let total) = outcome, complete {
            assessment.status = .completed
            assessment.total = total
            assessment.completedOn = CheckInService(req, actor: actor).today(for: participant).description
        }
        if let formKey { assessment.formKey = formKey }
        do {
            try await assessment.save(on: req.db)
        } catch {
            // The same form sent twice at once: the other one was kept.
            if (error as? any DatabaseError)?.isConstraintFailure == true, let formKey,
                let done = try await sentBefore(participantID, formKey: formKey, completedOnly: false)
            {
                return done
            }
            throw error
        }
        try await people.audit(
            assessment.status == .completed ? "recovery_capital.complete" : "recovery_capital.save_draft",
            participant: participantID, subjectType: "recovery_capital", subject: assessment.id)
        return assessment
    }

    /// The assessment saved from the form `formKey` (completed, unless `completedOnly` is
    /// false: a draft saved twice at once is the one draft), if it was sent before.
    private func sentBefore(_ participantID: UUID, formKey: String, completedOnly: Bool = true) async throws
        -> RecoveryCapitalAssessment?
    {
        var query = assessments(of: participantID).filter(\.$formKey == formKey)
        if completedOnly { query = query.filter(\.$status == .completed) }
        return try await query.first()
    }

    /// A scored assessment's total and day.
    struct Scored: Sendable {
        let total: Int?
        let completedOn: String
    }

    /// The last two scored assessments, newest first, by plain SQL (every participant page
    /// and home reads them; `recovery_capital_participant`). Not audited: for pages that
    /// audit their own view of the record.
    func lastScored(of participantID: UUID) async throws -> [Scored] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        return try await sql.raw(
            """
            SELECT total, completed_on FROM recovery_capital_assessments \
            WHERE organization_id = \(bind: actor.organizationID) AND participant_id = \(bind: participantID) \
            AND status = 'completed' ORDER BY completed_on DESC, created_at DESC LIMIT 2
            """
        ).all().map {
            Scored(
                total: try $0.optional("total", as: Int.self),
                completedOn: try $0.decode(column: "completed_on", as: String.self))
        }
    }

    private func assessments(of participantID: UUID) -> QueryBuilder<RecoveryCapitalAssessment> {
        people.scope.recoveryCapital().filter(\.$participant.$id == participantID)
    }
}

extension TenantScope {
    func recoveryCapital() -> QueryBuilder<RecoveryCapitalAssessment> {
        RecoveryCapitalAssessment.query(on: db).filter(\.$organizationID == organizationID)
    }
}
