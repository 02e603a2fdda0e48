import Foundation
import TandemKit

/// Reads one section's form into the plan. Goals and steps are numbered fields
/// (`goal_0_text`, `goal_0_step_1_what`, …) so the form works without scripts: a blank goal
/// and a blank step wait at the end of each list, and clearing a goal's or step's text
/// removes it. New goals record who wrote them.
enum PlanForm {
    /// `domain` is the life domain the section's address names (nil for values and wellness).
    static func apply(
        _ fields: [String: String], section: String, domain: String?, to document: inout PlanDocument,
        editor: (role: String, name: String), today: CalendarDate? = nil
    ) -> [(field: String, key: String)] {
        func text(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        switch section {
        case "values":
            document.values = text("values")
            return PlanDocument(values: document.values).problems()
        case "wellness":
            document.wellness = .init(
                triggers: text("triggers"), warningSigns: text("warning_signs"),
                copingStrategies: text("coping_strategies"), peopleToCall: text("people_to_call"),
                safePlaces: text("safe_places"))
            return PlanDocument(wellness: document.wellness).problems()
        default:
            guard let domain else { return [("section", "error_value_invalid")] }
            return applyDomain(fields, domain: domain, text: text, to: &document, editor: editor, today: today)
        }
    }

    private static func applyDomain(
        _ fields: [String: String], domain: String, text: (String) -> String, to document: inout PlanDocument,
        editor: (role: String, name: String), today: CalendarDate?
    ) -> [(field: String, key: String)] {
        let old = document.domains.first { $0.domain == domain } ?? .init(domain: domain)
        var goals: [PlanDocument.Goal] = []
        var problems: [(field: String, key: String)] = []
        // At most 50 goals of 50 steps in one section; more would be a form nobody can use.
        for g in 0..<50 {
            let prefix = "goal_\(g)"
            guard fields[prefix + "_text"] != nil else { break }
            let id = text(prefix + "_id")
            let existing = old.goals.first { !id.isEmpty && $0.id == id }
            var steps: [PlanDocument.Step] = []
            for s in 0..<50 {
                let step = "\(prefix)_step_\(s)"
                guard fields[step + "_what"] != nil else { break }
                let statusText = text(step + "_status")
                let status = StepStatus(rawValue: statusText)
                if status == nil && !statusText.isEmpty { problems.append((step + "_status", "error_value_invalid")) }
                let what = text(step + "_what")
                steps.append(
                    .init(
                        id: text(step + "_id"), what: what, who: text(step + "_who"), due: text(step + "_due"),
                        status: status ?? .notStarted))
            }
            // A new goal left blank is no goal; but one whose why or steps were written is a
            // goal whose words were forgotten, and dropping it would lose them.
            if existing == nil, text(prefix + "_text").isEmpty,
                !text(prefix + "_why").isEmpty || steps.contains(where: { !$0.what.isEmpty })
            {
                problems.append((prefix + "_text", "error_plan_goal_missing"))
            }
            if let existing {
                // Steps added to this goal since the form was opened are not in it: keep them.
                let named = Set(steps.map(\.id).filter { !$0.isEmpty })
                // After the form's own, so a message about a field stays at that field.
                steps += existing.steps.filter { !named.contains($0.id) }
            }
            goals.append(
                .init(
                    id: existing?.id ?? "", text: text(prefix + "_text"), why: text(prefix + "_why"),
                    writtenBy: existing?.writtenBy ?? editor.role, writerName: existing?.writerName ?? editor.name,
                    steps: steps))
        }
        // A goal the form does not name was written after it was opened (by the other of person
        // and coach, or in another window): it stays, after the form's goals. Only a goal the
        // form shows can be removed, by clearing its words.
        let named = Set(goals.map(\.id).filter { !$0.isEmpty })
        goals += old.goals.filter { !named.contains($0.id) }
        var section = PlanDocument.DomainSection(
            domain: domain, goals: goals, strengths: text("strengths"), supports: text("supports"),
            barriers: text("barriers"))
        problems += PlanDocument(domains: [section]).problems(today: today)
        if !problems.isEmpty {
            // The form comes back as sent, blanks and all, so each message sits at its field.
            replace(section, in: &document)
            return problems
        }
        section.goals = goals.filter { !$0.text.isEmpty }.map { goal in
            var goal = goal
            if goal.id.isEmpty { goal.id = UUID().uuidString }
            goal.steps = goal.steps.filter { !$0.what.isEmpty }.map { step in
                var step = step
                if step.id.isEmpty { step.id = UUID().uuidString }
                return step
            }
            return goal
        }
        if !section.isEmpty || document.domains.contains(where: { $0.domain == domain }) {
            replace(section, in: &document)
        }
        return []
    }

    private static func replace(_ section: PlanDocument.DomainSection, in document: inout PlanDocument) {
        if let index = document.domains.firstIndex(where: { $0.domain == section.domain }) {
            document.domains[index] = section
        } else {
            document.domains.append(section)
        }
    }
}
