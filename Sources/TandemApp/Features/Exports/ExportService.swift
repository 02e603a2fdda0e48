import Fluent
import Foundation
import TandemKit
import Vapor

/// Exports of one participant's records for other systems: the recovery plan and BARC-10
/// history as a FHIR R4 bundle. Checked as `export` (the person, their coaches, supervisors
/// and admins) and audited.
struct ExportService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    func fhir(_ participantID: UUID, now: Date = Date()) async throws -> Data {
        let (participant, _) = try await people.authorized(participantID, .export)
        let plans = PlanService(req, actor: actor)
        let current = try await plans.current(participantID, audited: false)
        var plan: FHIRExport.Plan?
        if let version = current.version {
            let first = try await RecoveryPlanVersion.query(on: req.db).filter(
                \.$organizationID == actor.organizationID
            )
            .filter(\.$participant.$id == participantID).sort(\.$number).first()
            let english = req.tandem.messages[.en]
            plan = FHIRExport.Plan(
                document: current.document, number: version.number, started: first?.createdAt ?? now,
                saved: version.createdAt ?? now, agreed: current.isAgreed,
                domainName: { domain in
                    LifeDomain(rawValue: domain) != nil ? english?.text("domain_" + domain) ?? domain : domain
                })
        }
        let scored = try await RecoveryCapitalAssessment.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$participant.$id == participantID)
            .filter(\.$status == .completed).sort(\.$completedOn).sort(\.$createdAt).all()
        let english = req.tandem.messages[.en] ?? MessageTable(messages: [:])
        let export = FHIRExport(
            person: .init(id: participantID, name: participant.preferredName), plan: plan,
            assessments: scored.compactMap { assessment in
                let answers = assessment.answerList.compactMap { $0 }
                guard let total = assessment.total, answers.count == BARC10.itemCount,
                    let day = CalendarDate(assessment.completedOn)
                else { return nil }
                return .init(id: assessment.id!, answers: answers, total: total, completedOn: day)
            }, statements: BARC10.itemKeys.map { english.text($0) },
            answerLabels: BARC10.answerKeys.map { english.text($0 + "_label") },
            questionnaireURL: req.absoluteURL("/fhir/Questionnaire/barc-10"), now: now)
        try await people.audit("participant.export_fhir", participant: participantID)
        return export.json()
    }
}
