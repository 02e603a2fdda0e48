import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The recovery plan and BARC-10 operations of the API, over the same services as the pages.
extension APIHandler {
    func getPlan(_ input: Operations.getPlan.Input) async throws -> Operations.getPlan.Output {
        try await api { req, actor in
            let plan = try await PlanService(req, actor: actor).current(
                try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .json(Self.plan(plan))))
        }
    }

    func savePlan(_ input: Operations.savePlan.Input) async throws -> Operations.savePlan.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.participantId, "participantId")
            let service = PlanService(req, actor: actor)
            _ = try await service.save(id, base: body.base) { document, editor in
                // Everything sent is checked, also what is then left out for having no text.
                let problems = Self.document(body, replacing: document, editor: editor, keepBlank: true).problems(
                    today: ParticipantService.today(in: actor.organization))
                if problems.isEmpty { document = Self.document(body, replacing: document, editor: editor) }
                return problems
            }
            return .ok(.init(body: .json(Self.plan(try await service.current(id, audited: false)))))
        }
    }

    func signPlan(_ input: Operations.signPlan.Input) async throws -> Operations.signPlan.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.participantId, "participantId")
            let service = PlanService(req, actor: actor)
            try await service.sign(
                id, number: body.version, signer: body.signer.rawValue, typedName: body.typedName,
                inPerson: body.inPerson ?? false)
            return .ok(.init(body: .json(Self.plan(try await service.current(id, audited: false)))))
        }
    }

    func getRecoveryCapital(_ input: Operations.getRecoveryCapital.Input) async throws
        -> Operations.getRecoveryCapital.Output
    {
        try await api { req, actor in
            let history = try await RecoveryCapitalService(req, actor: actor).history(
                try Self.uuid(input.path.participantId, "participantId"))
            return .ok(
                .init(
                    body: .json(
                        .init(
                            scored: history.scored.map(Self.assessment), draft: history.draft.map(Self.assessment),
                            trend: history.trend.flatMap { .init(rawValue: $0.rawValue) },
                            nextDue: history.due.description, referenceTotal: BARC10.referenceTotal))))
        }
    }

    func saveRecoveryCapital(_ input: Operations.saveRecoveryCapital.Input) async throws
        -> Operations.saveRecoveryCapital.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let saved = try await RecoveryCapitalService(req, actor: actor).save(
                try Self.uuid(input.path.participantId, "participantId"), answers: body.answers,
                complete: body.complete ?? true)
            return .created(.init(body: .json(Self.assessment(saved))))
        }
    }

    // MARK: Mapping

    static func assessment(_ assessment: RecoveryCapitalAssessment) -> Schemas.RecoveryCapitalAssessment {
        .init(
            id: assessment.id!.uuidString, status: assessment.status == .completed ? .completed : .draft,
            answers: assessment.answerList, total: assessment.total,
            completedOn: assessment.completedOn.isEmpty ? nil : assessment.completedOn, withCoach: assessment.withCoach)
    }

    static func plan(_ plan: PlanService.Plan) -> Schemas.Plan {
        let document = plan.document
        let counts = document.goalCounts
        return .init(
            version: plan.number, values: document.values,
            domains: document.domains.map { section in
                .init(
                    domain: section.domain,
                    goals: section.goals.map { goal in
                        .init(
                            id: goal.id, text: goal.text, why: goal.why, writtenBy: .init(rawValue: goal.writtenBy),
                            writerName: goal.writerName,
                            steps: goal.steps.map { step in
                                .init(
                                    id: step.id, what: step.what, who: step.who, due: step.due,
                                    status: .init(rawValue: step.status.rawValue))
                            })
                    }, strengths: section.strengths, supports: section.supports, barriers: section.barriers)
            },
            wellness: .init(
                triggers: document.wellness.triggers, warningSigns: document.wellness.warningSigns,
                copingStrategies: document.wellness.copingStrategies, peopleToCall: document.wellness.peopleToCall,
                safePlaces: document.wellness.safePlaces),
            agreed: plan.isAgreed,
            signatures: plan.signatures.compactMap { signature in
                Schemas.PlanSignature.signerPayload(rawValue: signature.signer).map {
                    .init(
                        signer: $0, typedName: signature.typedName, signedAt: signature.signedAt,
                        inPerson: signature.inPerson)
                }
            }, goalsDone: counts.done, goalsTotal: counts.total)
    }

    /// The plan as sent, replacing `old`. Goals and steps that name an existing id keep it
    /// (and who wrote the goal); new ones get ids and record the editor. A goal or step
    /// without text is left out, as in the page's form, unless `keepBlank`.
    static func document(
        _ body: Schemas.PlanInput, replacing old: PlanDocument, editor: (role: String, name: String),
        keepBlank: Bool = false
    ) -> PlanDocument {
        func trim(_ text: String?) -> String { (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let known = Dictionary(
            old.domains.flatMap(\.goals).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let wellness = body.wellness
        return PlanDocument(
            values: trim(body.values),
            domains: (body.domains ?? []).map { section in
                .init(
                    domain: trim(section.domain),
                    goals: (section.goals ?? []).filter { keepBlank || !trim($0.text).isEmpty }.map { goal in
                        let existing = goal.id.flatMap { known[$0] }
                        return .init(
                            id: existing?.id ?? UUID().uuidString, text: trim(goal.text), why: trim(goal.why),
                            writtenBy: existing?.writtenBy ?? editor.role,
                            writerName: existing?.writerName ?? editor.name,
                            steps: (goal.steps ?? []).filter { keepBlank || !trim($0.what).isEmpty }.map { step in
                                .init(
                                    id: step.id.flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString,
                                    what: trim(step.what), who: trim(step.who), due: trim(step.due),
                                    status: step.status.flatMap { StepStatus(rawValue: $0.rawValue) } ?? .notStarted)
                            })
                    }, strengths: trim(section.strengths), supports: trim(section.supports),
                    barriers: trim(section.barriers))
            },
            wellness: .init(
                triggers: trim(wellness?.triggers), warningSigns: trim(wellness?.warningSigns),
                copingStrategies: trim(wellness?.copingStrategies), peopleToCall: trim(wellness?.peopleToCall),
                safePlaces: trim(wellness?.safePlaces)))
    }
}
