import Testing

@testable import TandemKit

@Suite("Recovery plan")
struct PlanTests {
    static func plan(_ status: StepStatus = .inProgress, goal: String = "Find a room of my own") -> PlanDocument {
        PlanDocument(
            values: "My kids, my health",
            domains: [
                .init(
                    domain: "housing",
                    goals: [
                        .init(
                            id: "g1", text: goal, why: "Somewhere calm", writtenBy: "participant", writerName: "Dana",
                            steps: [
                                .init(
                                    id: "s1", what: "Call the housing office", who: "Dana", due: "2026-03-10",
                                    status: status)
                            ])
                    ], strengths: "Patient"),
                .init(domain: "Pets"),
            ],
            wellness: .init(triggers: "Paydays", peopleToCall: "Ana 555-0199"))
    }

    @Test("round-trips through its stored text")
    func storage() {
        let plan = Self.plan()
        #expect(PlanDocument.decode(plan.encoded()) == plan)
        #expect(PlanDocument.decode("not json") == PlanDocument())
    }

    @Test("counts goals done: steps all finished and at least one done")
    func goalCounts() {
        #expect(Self.plan(.inProgress).goalCounts == (0, 1))
        #expect(Self.plan(.done).goalCounts == (1, 1))
        #expect(Self.plan(.dropped).goalCounts == (0, 1))
        #expect(PlanDocument().goalCounts == (0, 0))
    }

    @Test("names the fields at fault")
    func problems() {
        var plan = Self.plan()
        #expect(plan.problems().isEmpty)
        plan.values = String(repeating: "a", count: 2001)
        plan.domains[0].goals[0].steps[0].due = "2026-02-30"
        plan.domains[0].goals[0].text = "bell\u{07}"
        let found = plan.problems().map { "\($0.field):\($0.key)" }
        #expect(
            found == [
                "values:error_text_too_long", "goal_0_text:error_text_invalid", "goal_0_step_0_due:error_date_invalid",
            ])
    }

    @Test("compares versions line by line")
    func diff() {
        let old = Self.plan().lines(label: { $0 }, domainName: { $0 })
        let new = Self.plan(.done, goal: "Find a room of my own").lines(label: { $0 }, domainName: { $0 })
        let changes = LineDiff.changes(from: old, to: new)
        #expect(
            changes.filter { if case .same = $0 { return false } else { return true } } == [
                .removed(
                    "housing · Find a room of my own · plan_step: Call the housing office · Dana · 2026-03-10 · step_status_in_progress"
                ),
                .added(
                    "housing · Find a room of my own · plan_step: Call the housing office · Dana · 2026-03-10 · step_status_done"
                ),
            ])
        #expect(
            LineDiff.changes(from: ["a", "b", "c"], to: ["a", "c", "d"]) == [
                .same("a"), .removed("b"), .same("c"), .added("d"),
            ])
        #expect(LineDiff.changes(from: [], to: ["x"]) == [.added("x")])
    }

    @Test("an organization's domain list keeps defaults by id in any language, and its own as typed")
    func domains() {
        let names = ["housing": ["Housing", "Vivienda"], "legal": ["Legal", "Asuntos legales"]]
        #expect(
            LifeDomain.parse("Vivienda\n  Pets \n\nhousing\nLEGAL\nPets", names: names) == ["housing", "Pets", "legal"])
        #expect(LifeDomain.problem([]) == "error_domains_count")
        #expect(LifeDomain.problem([String(repeating: "x", count: 61)]) == "error_domains_name")
        #expect(LifeDomain.problem(LifeDomain.defaultList) == nil)
        #expect(LifeDomain.defaultList.count == 11)
    }
}
