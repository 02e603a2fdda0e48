import Foundation

/// A personal recovery plan as one version holds it: the person's values at the top, a
/// section per life domain with goals in their own words, and the wellness section. Every
/// save keeps a whole copy, so any version reads as it was agreed.
public struct PlanDocument: Codable, Equatable, Sendable {
    public var values: String
    public var domains: [DomainSection]
    public var wellness: Wellness

    public init(values: String = "", domains: [DomainSection] = [], wellness: Wellness = Wellness()) {
        self.values = values
        self.domains = domains
        self.wellness = wellness
    }

    public struct DomainSection: Codable, Equatable, Sendable {
        /// A `LifeDomain` id (`recovery`, `housing`, …) or the organization's own name for it.
        public var domain: String
        public var goals: [Goal]
        public var strengths: String
        public var supports: String
        public var barriers: String

        public init(
            domain: String, goals: [Goal] = [], strengths: String = "", supports: String = "", barriers: String = ""
        ) {
            self.domain = domain
            self.goals = goals
            self.strengths = strengths
            self.supports = supports
            self.barriers = barriers
        }

        public var isEmpty: Bool { goals.isEmpty && strengths.isEmpty && supports.isEmpty && barriers.isEmpty }
    }

    public struct Goal: Codable, Equatable, Sendable {
        public var id: String
        /// The goal in the words of whoever wrote it.
        public var text: String
        public var why: String
        /// "participant" or "coach": who wrote the goal.
        public var writtenBy: String
        public var writerName: String
        public var steps: [Step]

        public init(
            id: String, text: String, why: String = "", writtenBy: String, writerName: String, steps: [Step] = []
        ) {
            self.id = id
            self.text = text
            self.why = why
            self.writtenBy = writtenBy
            self.writerName = writerName
            self.steps = steps
        }

        /// A goal is done when it has steps and each is done or dropped, with at least one done.
        public var isDone: Bool {
            !steps.isEmpty && steps.allSatisfy { $0.status == .done || $0.status == .dropped }
                && steps.contains { $0.status == .done }
        }
    }

    public struct Step: Codable, Equatable, Sendable {
        public var id: String
        public var what: String
        public var who: String
        /// `YYYY-MM-DD` or empty.
        public var due: String
        public var status: StepStatus

        public init(id: String, what: String, who: String = "", due: String = "", status: StepStatus = .notStarted) {
            self.id = id
            self.what = what
            self.who = who
            self.due = due
            self.status = status
        }
    }

    public struct Wellness: Codable, Equatable, Sendable {
        public var triggers: String
        public var warningSigns: String
        public var copingStrategies: String
        public var peopleToCall: String
        public var safePlaces: String

        public init(
            triggers: String = "", warningSigns: String = "", copingStrategies: String = "", peopleToCall: String = "",
            safePlaces: String = ""
        ) {
            self.triggers = triggers
            self.warningSigns = warningSigns
            self.copingStrategies = copingStrategies
            self.peopleToCall = peopleToCall
            self.safePlaces = safePlaces
        }

        /// Field names with their text, in the order the plan shows them.
        public var fields: [(name: String, text: String)] {
            [
                ("triggers", triggers), ("warning_signs", warningSigns), ("coping_strategies", copingStrategies),
                ("people_to_call", peopleToCall), ("safe_places", safePlaces),
            ]
        }
    }

    /// Goals done and all goals, for the caseload's "goals done/total".
    public var goalCounts: (done: Int, total: Int) {
        let goals = domains.flatMap(\.goals)
        return (goals.filter(\.isDone).count, goals.count)
    }

    public static let textLimit = 2000
    public static let shortLimit = 300

    /// Limits on the whole plan, whichever part was edited: how many domains, goals and steps,
    /// and no domain, goal or step twice (each must stay one thing to point at).
    public func structureProblems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        let goals = domains.flatMap(\.goals)
        if domains.count > 40 || Set(domains.map(\.domain)).count != domains.count {
            found.append(("domains", "error_value_invalid"))
        }
        let goalIDs = goals.map(\.id).filter { !$0.isEmpty }
        if goals.count > 200 || goals.reduce(0, { $0 + $1.steps.count }) > 1000 || Set(goalIDs).count != goalIDs.count
            || goals.contains(where: { goal in
                let ids = goal.steps.map(\.id).filter { !$0.isEmpty }
                return Set(ids).count != ids.count || goal.steps.count > 50
            }) || domains.contains(where: { $0.goals.count > 50 })
        {
            found.append(("goals", "error_value_invalid"))
        }
        return found
    }

    /// Every field at fault, named as the forms name them, with the message key. With `today`,
    /// a step's due date more than ten years away either side is a slip of the year (1900 for
    /// 2026), not a plan.
    public func problems(today: CalendarDate? = nil) -> [(field: String, key: String)] {
        var found: [(String, String)] = structureProblems()
        // Lengths in Unicode scalars, as the API's published schema (JSON Schema) counts them.
        func check(_ field: String, _ text: String, limit: Int = Self.textLimit) {
            if text.unicodeScalars.count > limit {
                found.append((field, "error_text_too_long"))
            } else if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                found.append((field, "error_text_invalid"))
            }
        }
        check("values", values)
        for field in wellness.fields { check(field.name, field.text) }
        for section in domains {
            if section.domain.isEmpty || section.domain.unicodeScalars.count > 60
                || section.domain.unicodeScalars.contains(where: ParticipantProfile.forbidden)
            {
                found.append(("domain", "error_value_invalid"))
            }
            // Ids are ours or echoed back by an API client; anything longer is not one of them.
            if section.goals.contains(where: {
                $0.id.unicodeScalars.count > 64 || $0.steps.contains { $0.id.unicodeScalars.count > 64 }
            }) {
                found.append(("goals", "error_value_invalid"))
            }
            check("strengths", section.strengths)
            check("supports", section.supports)
            check("barriers", section.barriers)
            for (g, goal) in section.goals.enumerated() {
                check("goal_\(g)_text", goal.text, limit: Self.shortLimit)
                check("goal_\(g)_why", goal.why)
                for (s, step) in goal.steps.enumerated() {
                    check("goal_\(g)_step_\(s)_what", step.what, limit: Self.shortLimit)
                    check("goal_\(g)_step_\(s)_who", step.who, limit: 120)
                    if step.what.isEmpty && (!step.who.isEmpty || !step.due.isEmpty) {
                        found.append(("goal_\(g)_step_\(s)_what", "error_plan_step_what"))
                    }
                    if !step.due.isEmpty {
                        if let due = CalendarDate(step.due) {
                            if let today, let earliest = today.adding(months: -120),
                                let latest = today.adding(months: 120), due < earliest || due > latest
                            {
                                found.append(("goal_\(g)_step_\(s)_due", "error_plan_step_due_range"))
                            }
                        } else {
                            found.append(("goal_\(g)_step_\(s)_due", "error_date_invalid"))
                        }
                    }
                }
            }
        }
        return found
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) -> PlanDocument {
        (try? JSONDecoder().decode(PlanDocument.self, from: Data(text.utf8))) ?? PlanDocument()
    }
}

public enum StepStatus: String, Codable, Sendable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done, dropped
}

/// The life domains a plan starts with (product.md). An organization may drop some and add
/// its own; its own are kept as written, the defaults by id so they read in each language.
public enum LifeDomain: String, Sendable, CaseIterable {
    case recovery, physicalHealth = "physical_health", emotionalHealth = "emotional_health", housing
    case employmentEducation = "employment_education", relationshipsFamily = "relationships_family"
    case socialCommunity = "social_community", legal, finances
    case spiritualityMeaning = "spirituality_meaning", leisure

    public static let defaultList = allCases.map(\.rawValue)

    /// Reads an organization's list as typed, one per line: a line that names a default
    /// domain in any language (`names`, id → names) becomes its id; blank lines and repeats go.
    public static func parse(_ text: String, names: [String: [String]]) -> [String] {
        var list: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let name = line.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            let folded = name.lowercased()
            let id = names.first { $0.value.contains { $0.lowercased() == folded } }?.key ?? name
            if !list.contains(id) { list.append(id) }
        }
        return list
    }

    /// The first line, as typed, that names a domain already listed above it ("Housing" twice,
    /// "Vivienda" after "Housing", "pets" after "Pets"), so the form can say so rather than drop it unseen.
    public static func repeated(_ text: String, names: [String: [String]]) -> String? {
        var seen: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let name = line.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            // Own names differing only in case ("Pets", "pets") would make two sections.
            let id = parse(name, names: names)[0].lowercased()
            if seen.contains(id) { return name }
            seen.append(id)
        }
        return nil
    }

    /// Problems of a typed list: 1 to 30 domains of at most 60 characters each.
    public static func problem(_ list: [String]) -> String? {
        guard (1...30).contains(list.count) else { return "error_domains_count" }
        return list.allSatisfy({
            $0.unicodeScalars.count <= 60 && !$0.unicodeScalars.contains(where: ParticipantProfile.forbidden)
        })
            ? nil : "error_domains_name"
    }
}

extension PlanDocument {
    /// The plan as labelled lines of text, one per thing a person wrote, for comparing two
    /// versions. `label` gives a message for a key, `domainName` the name of a domain, `day` a
    /// due date as the reader writes it.
    public func lines(
        label: (String) -> String, domainName: (String) -> String, day: (String) -> String = { $0 }
    ) -> [String] {
        var out: [String] = []
        if !values.isEmpty { out.append("\(label("plan_values")): \(values)") }
        for section in domains {
            let name = domainName(section.domain)
            for (field, text) in [
                ("plan_strengths", section.strengths), ("plan_supports", section.supports),
                ("plan_barriers", section.barriers),
            ] where !text.isEmpty {
                out.append("\(name) · \(label(field)): \(text)")
            }
            for goal in section.goals {
                out.append("\(name) · \(label("plan_goal")): \(goal.text)")
                if !goal.why.isEmpty { out.append("\(name) · \(goal.text) · \(label("plan_why")): \(goal.why)") }
                for step in goal.steps {
                    var parts = [step.what]
                    if !step.who.isEmpty { parts.append(step.who) }
                    if !step.due.isEmpty { parts.append(day(step.due)) }
                    parts.append(label("step_status_" + step.status.rawValue))
                    out.append("\(name) · \(goal.text) · \(label("plan_step")): \(parts.joined(separator: " · "))")
                }
            }
        }
        for field in wellness.fields where !field.text.isEmpty {
            out.append("\(label("plan_wellness")) · \(label("plan_" + field.name)): \(field.text)")
        }
        return out
    }
}
