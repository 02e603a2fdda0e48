import Fluent
import Foundation
import TandemKit
import Vapor

/// The recovery plan pages: the current plan (printable), one section's form at a time,
/// agreeing a version, and earlier versions compared with the current one. The service
/// checks access and audits.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plan = routes.grouped("participants", ":participantID", "plan")
        plan.get(use: show)
        plan.get("edit", ":section", use: editForm)
        plan.post("edit", ":section", use: save)
        plan.post("signatures", use: sign)
        plan.get("versions", use: versions)
        plan.get("versions", ":number", use: version)
    }

    // MARK: Reading

    struct ShowBody: Encodable, Sendable {
        let plan: PlanView
        let canEdit: Bool
        let canSignAsParticipant: Bool
        let canSignAsCoach: Bool
        let canRecordInPerson: Bool
        let saved: Bool
        let signed: Bool
        let conflict: Bool
        let printedOn: String
        let organization: String
    }

    struct ShowQuery: Content {
        var saved: String?
        var signed: String?
        var conflict: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let plan = try await PlanService(req, actor: actor).current(id)
        return try await req.page("plans/show", titleKey: "plan_title", showBody(plan, actor: actor, req: req))
    }

    private func showBody(_ plan: PlanService.Plan, actor: Actor, req: Request, errorsShown: Bool = false) -> ShowBody {
        let flags = (try? req.query.decode(ShowQuery.self)) ?? ShowQuery()
        let relation = plan.relation
        let open = plan.version != nil
        return ShowBody(
            plan: Self.view(plan, actor: actor, req: req),
            canEdit: ParticipantAccess.can(actor.role, .editPlan, relation),
            canSignAsParticipant: open && plan.signature("participant") == nil
                && ParticipantAccess.can(actor.role, .signAsParticipant, relation),
            canSignAsCoach: open && plan.signature("coach") == nil
                && ParticipantAccess.can(actor.role, .signAsCoach, relation),
            canRecordInPerson: open && plan.signature("participant") == nil && !relation.isSelf
                && ParticipantAccess.can(actor.role, .recordInPersonSignature, relation),
            saved: flags.saved != nil && !errorsShown, signed: flags.signed != nil && !errorsShown,
            conflict: flags.conflict != nil,
            printedOn: ParticipantService.today(in: actor.organization).written(req.messages),
            organization: actor.organization.name)
    }

    // MARK: Editing one section

    struct StepField: Encodable, Sendable {
        let prefix: String
        let id: String
        let what: String
        let who: String
        let due: String
        let statuses: [SelectOption]
        let isNew: Bool
        let whatError: String?
        let dueError: String?
    }

    struct GoalField: Encodable, Sendable {
        let prefix: String
        let id: String
        let text: String
        let why: String
        let writtenBy: String?
        let steps: [StepField]
        let isNew: Bool
        let textError: String?
    }

    struct EditBody: Encodable, Sendable {
        let id: String
        let name: String
        let section: String
        let kind: String
        let title: String
        let base: Int
        let domain: String
        let values: String
        let wellness: [TextField]
        let strengths: String
        let supports: String
        let barriers: String
        let goals: [GoalField]
        /// The guided start of an online program to return to when saved (`GuidedReturn`).
        var next = ""
        /// The person editing their own plan: the hints speak to them, not about them.
        var isSelf = false
    }

    struct TextField: Encodable, Sendable {
        let name: String
        let label: String
        let value: String
    }

    /// What a section's form shows: the values as they are (or as sent), one blank goal and
    /// one blank step per goal to add more, without scripts.
    private func editBody(
        _ plan: PlanService.Plan, section: String, named: String? = nil, document: PlanDocument, req: Request,
        errors: [FieldError] = []
    ) throws -> EditBody {
        let kind: String
        var domain = ""
        var title: String
        switch section {
        case "values":
            kind = "values"
            title = req.t("plan_values")
        case "wellness":
            kind = "wellness"
            title = req.t("plan_wellness")
        default:
            guard section.hasPrefix("d"), let index = Int(section.dropFirst()), plan.domains.indices.contains(index)
            else { throw Abort(.notFound) }
            kind = "domain"
            domain = named ?? plan.domains[index]
            title = Self.domainName(domain, req: req)
        }
        let part = document.domains.first { $0.domain == domain } ?? .init(domain: domain)
        func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }
        // A blank goal, and a blank step in each goal, to add more; a form sent back with
        // errors already ends with its blanks.
        var list = part.goals
        if list.last.map({ !$0.id.isEmpty }) ?? true {
            list.append(.init(id: "", text: "", writtenBy: "", writerName: ""))
        }
        let goals = list.enumerated().map { g, goal in
            let steps =
                goal.steps.last.map { $0.id.isEmpty } == true ? goal.steps : goal.steps + [.init(id: "", what: "")]
            return GoalField(
                prefix: "goal_\(g)", id: goal.id, text: goal.text, why: goal.why,
                writtenBy: goal.writtenBy.isEmpty
                    ? nil : req.t("plan_written_by_" + goal.writtenBy, ["name": goal.writerName]),
                steps: steps.enumerated().map { s, step in
                    stepField("goal_\(g)_step_\(s)", step, isNew: step.id.isEmpty, req: req, error: error)
                }, isNew: goal.id.isEmpty, textError: error("goal_\(g)_text"))
        }
        return EditBody(
            id: plan.participant.id!.uuidString, name: plan.participant.preferredName, section: section, kind: kind,
            title: title, base: plan.number, domain: domain, values: document.values,
            wellness: document.wellness.fields.map {
                TextField(name: $0.name, label: req.t("plan_" + $0.name), value: $0.text)
            }, strengths: part.strengths, supports: part.supports, barriers: part.barriers, goals: goals,
            isSelf: plan.relation.isSelf)
    }

    private func stepField(
        _ prefix: String, _ step: PlanDocument.Step, isNew: Bool, req: Request, error: (String) -> String?
    ) -> StepField {
        StepField(
            prefix: prefix, id: step.id, what: step.what, who: step.who, due: step.due,
            statuses: req.options(StepStatus.self, prefix: "step_status_", selected: step.status.rawValue),
            isNew: isNew,
            whatError: error(prefix + "_what"), dueError: error(prefix + "_due"))
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let service = PlanService(req, actor: actor)
        let plan = try await service.current(id)
        guard ParticipantAccess.can(actor.role, .editPlan, plan.relation) else { throw ServiceError.denied }
        let section = req.parameters.get("section") ?? ""
        var body = try editBody(plan, section: section, document: plan.document, req: req)
        body.next = GuidedReturn.checked(req.query[String.self, at: "next"]) ?? ""
        return try await req.page("plans/edit", titleKey: "plan_edit_title", body)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let section = req.parameters.get("section") ?? ""
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let service = PlanService(req, actor: actor)
        let base = Int(fields["base"] ?? "") ?? -1
        // The form names its domain: the address holds only a position in the organization's
        // list, which an admin may change while the form is open. Without the name (an older
        // form), the position decides; an address the plan does not have is not found.
        let domains = try await service.current(id, audited: false).domains
        var domain: String?
        if section != "values" && section != "wellness" {
            guard section.hasPrefix("d"), let index = Int(section.dropFirst()), domains.indices.contains(index) else {
                throw Abort(.notFound)
            }
            if let named = fields["domain"] {
                guard domains.contains(named) else { throw Abort(.notFound) }
                domain = named
            } else {
                domain = domains[index]
            }
        }
        var sent = PlanDocument()
        do {
            _ = try await service.save(id, base: base) { document, editor in
                let problems = PlanForm.apply(
                    fields, section: section, domain: domain, to: &document, editor: editor,
                    today: ParticipantService.today(in: actor.organization))
                sent = document
                return problems
            }
            if let next = GuidedReturn.checked(fields["next"]) { return .redirect(next) }
            return .redirect("/participants/\(id.uuidString)/plan?saved=1")
        } catch ServiceError.invalid(let problems) {
            let plan = try await service.current(id, audited: false)
            // Limits on the whole plan have no field of their own: they point at the form.
            let errors = req.fieldErrors(problems).map { error in
                ["domains", "goals", "section"].contains(error.field)
                    ? FieldError(field: "plan-edit-form", message: error.message) : error
            }
            var body = try editBody(
                plan, section: section, named: domain, document: sent, req: req, errors: errors)
            body.next = GuidedReturn.checked(fields["next"]) ?? ""
            return try await req.page(
                "plans/edit", titleKey: "plan_edit_title", body, errors: errors, status: .unprocessableEntity)
        } catch ServiceError.conflict {
            // What they typed is not thrown away: it is shown again on top of the newest version
            // (saved meanwhile in another window, or by the other of person and coach) to check
            // and save again. Nothing is stored until then.
            let plan = try await service.current(id, audited: false)
            var document = plan.document
            _ = PlanForm.apply(
                fields, section: section, domain: domain, to: &document, editor: service.editor(plan.relation))
            let errors = [FieldError(field: "plan-edit-form", message: req.t("error_plan_changed_kept"))]
            var body = try editBody(
                plan, section: section, named: domain, document: document, req: req, errors: errors)
            body.next = GuidedReturn.checked(fields["next"]) ?? ""
            return try await req.page(
                "plans/edit", titleKey: "plan_edit_title", body, errors: errors, status: .conflict)
        }
    }

    // MARK: Agreeing

    struct SignForm: Content {
        /// Text, so a form with a wrong number still decodes and gets its answer.
        var number: String?
        var signer: String?
        var typed_name: String?
        var in_person: String?
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let form = (try? req.content.decode(SignForm.self)) ?? SignForm()
        let service = PlanService(req, actor: actor)
        do {
            try await service.sign(
                id, number: form.number.flatMap { Int($0) } ?? -1, signer: form.signer ?? "",
                typedName: form.typed_name ?? "",
                inPerson: form.in_person == "yes")
            return .redirect("/participants/\(id.uuidString)/plan?signed=1")
        } catch ServiceError.invalid(let problems) {
            let plan = try await service.current(id, audited: false)
            return try await req.page(
                "plans/show", titleKey: "plan_title", showBody(plan, actor: actor, req: req, errorsShown: true),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        } catch ServiceError.conflict {
            return .redirect("/participants/\(id.uuidString)/plan?conflict=1")
        }
    }

    // MARK: Versions

    struct VersionRow: Encodable, Sendable {
        let number: Int
        let when: String
        let by: String
        let agreed: Bool
        let goals: String
    }

    struct VersionsBody: Encodable, Sendable {
        let id: String
        let name: String
        let rows: [VersionRow]
    }

    @Sendable func versions(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let (participant, all) = try await PlanService(req, actor: actor).history(id)
        return try await req.page(
            "plans/versions", titleKey: "plan_versions_title",
            VersionsBody(
                id: id.uuidString, name: participant.preferredName,
                rows: all.map { version, agreed in
                    VersionRow(
                        number: version.number,
                        when: version.createdAt.map { req.dateTime($0, organization: actor.organization) } ?? "",
                        by: version.editorName, agreed: agreed,
                        goals: req.t(
                            "plan_goals_done", ["done": String(version.goalsDone), "total": String(version.goalsTotal)])
                    )
                }))
    }

    struct Change: Encodable, Sendable {
        let kind: String
        let text: String
    }

    struct VersionBody: Encodable, Sendable {
        let plan: PlanView
        /// Earlier versions read as they were: never edited in place.
        let canEdit = false
        let currentNumber: Int
        let isCurrent: Bool
        let changes: [Change]
        let hasChanges: Bool
        /// The versions differ in too much to list.
        let tooLong: Bool
    }

    @Sendable func version(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        guard let number = req.parameters.get("number", as: Int.self) else { throw Abort(.notFound) }
        let (plan, current) = try await PlanService(req, actor: actor).version(id, number: number)
        func lines(_ document: PlanDocument) -> [String] {
            document.lines(
                label: { req.t($0) }, domainName: { Self.domainName($0, req: req) }, day: { req.calendarDate($0) })
        }
        let isCurrent = plan.number == current.number
        let compared = isCurrent ? [] : LineDiff.changes(from: lines(plan.document), to: lines(current.document))
        let changes = (compared ?? []).compactMap { change -> Change? in
            switch change {
            case .same: nil
            case .added(let text): Change(kind: "added", text: text)
            case .removed(let text): Change(kind: "removed", text: text)
            }
        }
        return try await req.page(
            "plans/version", titleKey: "plan_version_title",
            VersionBody(
                plan: Self.view(plan, actor: actor, req: req), currentNumber: current.number,
                isCurrent: isCurrent, changes: changes, hasChanges: !changes.isEmpty, tooLong: compared == nil))
    }
}
