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

    @Test(
        "a step's due date more than ten years from today is a slip of the year",
        arguments: [
            ("1900-03-01", false), ("2016-11-30", false), ("2016-12-01", true), ("2026-12-01", true),
            ("2036-12-01", true), ("2036-12-02", false), ("2126-01-01", false),
        ])
    func dueYear(due: String, accepted: Bool) throws {
        var plan = Self.plan()
        plan.domains[0].goals[0].steps[0].due = due
        let today = try #require(CalendarDate("2026-12-01"))
        let found = plan.problems(today: today).map { "\($0.field):\($0.key)" }
        #expect(found == (accepted ? [] : ["goal_0_step_0_due:error_plan_step_due_range"]))
        // Without a day to compare with, only the date itself is checked.
        #expect(plan.problems().isEmpty)
    }

    @Test("keeps the whole plan's limits: no domain or goal twice, a step says what it is")
    func structure() {
        var twice = Self.plan()
        twice.domains.append(.init(domain: "housing"))
        #expect(twice.problems().map(\.field) == ["domains"])
        var sameGoal = Self.plan()
        sameGoal.domains[1].goals = sameGoal.domains[0].goals
        #expect(sameGoal.problems().map(\.field) == ["goals"])
        var vague = Self.plan()
        vague.domains[0].goals[0].steps.append(.init(id: "s2", what: "", who: "Dana"))
        #expect(vague.problems().map { "\($0.field):\($0.key)" } == ["goal_0_step_1_what:error_plan_step_what"])
        var many = PlanDocument()
        many.domains = (0..<25).map { d in
            .init(
                domain: "d\(d)",
                goals: (0..<5).map { g in
                    .init(
                        id: "g\(d)-\(g)", text: "goal", writtenBy: "coach", writerName: "C",
                        steps: (0..<10).map { .init(id: "s\($0)", what: "step") })
                })
        }
        #expect(many.structureProblems().map(\.field) == ["goals"])  // 1,250 steps
        many.domains.removeLast(6)
        #expect(many.structureProblems().isEmpty)  // 950 steps
    }

    @Test("compares versions line by line")
    func diff() throws {
        let old = Self.plan().lines(label: { $0 }, domainName: { $0 })
        let new = Self.plan(.done, goal: "Find a room of my own").lines(label: { $0 }, domainName: { $0 })
        let changes = try #require(LineDiff.changes(from: old, to: new))
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
        #expect(LineDiff.changes(from: ["a", "b"], to: ["a", "b"]) == [.same("a"), .same("b")])
        // Shared lines at both ends cost nothing; a large different middle is refused.
        let long = (0..<10_000).map(String.init)
        #expect(LineDiff.changes(from: long, to: long + ["new"])?.last == .added("new"))
        #expect(LineDiff.changes(from: long, to: long.map { $0 + "!" }) == nil)
    }

    @Test("an organization's domain list keeps defaults by id in any language, and its own as typed")
    func domains() {
        let names = ["housing": ["Housing", "Vivienda"], "legal": ["Legal", "Asuntos legales"]]
        #expect(
            LifeDomain.parse("Vivienda\n  Pets \n\nhousing\nLEGAL\nPets", names: names) == ["housing", "Pets", "legal"])
        #expect(LifeDomain.repeated("Housing\nPets\nvivienda", names: names) == "vivienda")
        #expect(LifeDomain.repeated("Pets\n pets\n", names: names) == "pets")
        #expect(LifeDomain.repeated("Pets\nHousing\nLegal", names: names) == nil)
        #expect(LifeDomain.repeated("Pets\nPets ", names: names) == "Pets")
        #expect(LifeDomain.problem([]) == "error_domains_count")
        #expect(LifeDomain.problem([String(repeating: "x", count: 61)]) == "error_domains_name")
        #expect(LifeDomain.problem(LifeDomain.defaultList) == nil)
        #expect(LifeDomain.defaultList.count == 11)
    }
}
