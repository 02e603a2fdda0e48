import Foundation
import TandemKit
import Vapor

/// A plan version as the pages show it: domains named in the reader's language, goals with
/// who wrote them, steps with their status, signatures with their times. Shared by the
/// current plan and earlier versions.
extension PlanController {
    struct StepView: Encodable, Sendable {
        let what: String
        let who: String
        let due: String
        let status: String
        let statusRaw: String
    }

    struct GoalView: Encodable, Sendable {
        let text: String
        let why: String
        let writtenBy: String
        let steps: [StepView]
        let isDone: Bool
    }

    struct DomainView: Encodable, Sendable {
        let section: String
        let name: String
        let goals: [GoalView]
        let strengths: String
        let supports: String
        let barriers: String
        let isEmpty: Bool
    }

    struct SignatureView: Encodable, Sendable {
        let name: String
        let when: String
        let inPerson: Bool
    }

    struct PlanView: Encodable, Sendable {
        let id: String
        let name: String
        let number: Int
        let hasVersion: Bool
        let savedBy: String?
        let values: String
        let domains: [DomainView]
        let wellness: [SummaryItem]
        let goalsDone: Int
        let goalsTotal: Int
        let participantSignature: SignatureView?
        let coachSignature: SignatureView?
        let isAgreed: Bool
    }

    static func domainName(_ domain: String, req: Request) -> String {
        LifeDomain(rawValue: domain) != nil ? req.t("domain_" + domain) : domain
    }

    static func view(_ plan: PlanService.Plan, actor: Actor, req: Request) -> PlanView {
        let document = plan.document
        let domains = plan.domains.enumerated().map { index, domain in
            let section = plan.section(domain)
            return DomainView(
                section: "d\(index)", name: domainName(domain, req: req),
                goals: section.goals.map { goal in
                    GoalView(
                        text: goal.text, why: goal.why,
                        writtenBy: req.t("plan_written_by_" + goal.writtenBy, ["name": goal.writerName]),
                        steps: goal.steps.map { step in
                            StepView(
                                what: step.what, who: step.who, due: req.calendarDate(step.due),
                                status: req.t("step_status_" + step.status.rawValue), statusRaw: step.status.rawValue)
                        }, isDone: goal.isDone)
                }, strengths: section.strengths, supports: section.supports, barriers: section.barriers,
                isEmpty: section.isEmpty)
        }
        func signature(_ signer: String) -> SignatureView? {
            plan.signature(signer).map {
                SignatureView(
                    name: $0.typedName, when: req.dateTime($0.signedAt, organization: actor.organization),
                    inPerson: $0.inPerson)
            }
        }
        let counts = document.goalCounts
        return PlanView(
            id: plan.participant.id!.uuidString, name: plan.participant.preferredName, number: plan.number,
            hasVersion: plan.version != nil,
            savedBy: plan.version.map {
                req.t(
                    "plan_saved_by",
                    [
                        "name": $0.editorName,
                        "when": $0.createdAt.map { req.dateTime($0, organization: actor.organization) } ?? "",
                    ])
            }, values: document.values, domains: domains,
            wellness: document.wellness.fields.map {
                SummaryItem(label: req.t("plan_" + $0.name), value: $0.text.isEmpty ? "—" : $0.text)
            }, goalsDone: counts.done, goalsTotal: counts.total, participantSignature: signature("participant"),
            coachSignature: signature("coach"), isAgreed: plan.isAgreed)
    }
}
