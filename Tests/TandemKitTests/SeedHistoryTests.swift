import Foundation
import Testing

@testable import TandemKit

@Suite("Seeded history")
struct SeedHistoryTests {
    let plan = SeedPlan(seed: 7)

    @Test("notes, messages, plans and BARC-10s are the same for the same seed and person")
    func deterministic() {
        #expect(plan.notes(person: 3, count: 10) == SeedPlan(seed: 7).notes(person: 3, count: 10))
        #expect(plan.notes(person: 3, count: 10) != plan.notes(person: 4, count: 10))
        #expect(plan.notes(person: 3, count: 10) != SeedPlan(seed: 8).notes(person: 3, count: 10))
        #expect(
            plan.messages(person: 5, count: 6, canWrite: true) == plan.messages(person: 5, count: 6, canWrite: true))
        #expect(plan.plan(person: 9, name: "Ana") == plan.plan(person: 9, name: "Ana"))
        #expect(plan.barc10(person: 2, count: 2) == plan.barc10(person: 2, count: 2))
        #expect(plan.meetingFeed(organization: 1, count: 40) == plan.meetingFeed(organization: 1, count: 40))
    }

    @Test("notes lie in the past, oldest first, and are complete enough to sign")
    func notes() {
        let notes = plan.notes(person: 11, count: 12)
        #expect(notes.count == 12)
        #expect(notes.allSatisfy { $0.daysAgo >= 1 && $0.startMinute + $0.minutes < 24 * 60 })
        #expect(zip(notes, notes.dropFirst()).allSatisfy { $0.daysAgo > $1.daysAgo })
        #expect(notes.allSatisfy { !$0.goals.isEmpty && !$0.done.isEmpty && !$0.nextSteps.isEmpty })
    }

    @Test("a person without a sign-in never writes; messages come in order, all before now")
    func messages() {
        #expect(plan.messages(person: 1, count: 20, canWrite: false).allSatisfy { !$0.fromPerson })
        let written = plan.messages(person: 1, count: 40, canWrite: true)
        #expect(written.contains { $0.fromPerson } && written.contains { !$0.fromPerson })
        #expect(written.allSatisfy { $0.minutesAgo >= 1 })
        #expect(zip(written, written.dropFirst()).allSatisfy { $0.minutesAgo >= $1.minutesAgo })
    }

    @Test("plans have two or three goals in default domains; BARC-10 answers are complete and in range")
    func plansAndAssessments() {
        for person in 0..<30 {
            let document = plan.plan(person: person, name: "Sam Lee")
            #expect((2...3).contains(document.goalCounts.total))
            #expect(document.domains.allSatisfy { LifeDomain(rawValue: $0.domain) != nil })
            for answers in plan.barc10(person: person, count: 2) {
                #expect(answers.count == BARC10.itemCount && answers.allSatisfy { (1...6).contains($0) })
            }
        }
    }

    @Test("the seeded feed is a Meeting Guide feed the importer takes whole")
    func meetingFeed() throws {
        guard case .success(let feed) = MeetingGuide.parse(plan.meetingFeed(organization: 4, count: 200)) else {
            Issue.record("the seeded feed did not parse")
            return
        }
        #expect(feed.meetings.count == 200)
        #expect(feed.skipped.isEmpty && feed.warnings.isEmpty)
        #expect(Set(feed.meetings.map(\.slug)).count == 200)
        #expect(feed.meetings.contains { $0.latitude != nil } && feed.meetings.contains { $0.latitude == nil })
    }

    @Test(
        "the progress bar fills with the work done",
        arguments: [
            (0, 200, "[------------------------------]   0% 0/200 rows"),
            (50, 200, "[#######-----------------------]  25% 50/200 rows"),
            (200, 200, "[##############################] 100% 200/200 rows"),
            (0, 0, "[##############################] 100% 0/0 rows"),
        ])
    func progressBar(done: Int, total: Int, line: String) {
        #expect(ProgressBar.line(done: done, total: total, label: "rows") == line)
    }
}

@Suite("The client's address behind proxies")
struct ForwardedForTests {
    static let proxies: Set<String> = ["10.0.0.2", "10.0.0.3"]

    @Test(
        "a trusted proxy's header names the client; anyone else's header is ignored",
        arguments: [
            // A client straight in: its header counts for nothing.
            ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
            ("203.0.113.9", [], "203.0.113.9"),
            // Through one trusted proxy.
            ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
            // Through two, the client's own claim on the left ignored.
            ("10.0.0.2", ["1.2.3.4, 198.51.100.7, 10.0.0.3"], "198.51.100.7"),
            ("10.0.0.2", ["1.2.3.4", "198.51.100.7"], "198.51.100.7"),
            ("10.0.0.2", ["2001:db8::1"], "2001:db8::1"),
            // No header, or only proxies: the nearest proxy.
            ("10.0.0.2", [], "10.0.0.2"),
            ("10.0.0.2", ["10.0.0.3"], "10.0.0.3"),
            // Not an address: the chain stops at the last proxy.
            ("10.0.0.2", ["<script>"], "10.0.0.2"),
            ("10.0.0.2", ["unknown, 10.0.0.3"], "10.0.0.3"),
        ])
    func client(peer: String, header: [String], expected: String) {
        #expect(ForwardedFor.client(peer: peer, header: header, trusted: Self.proxies) == expected)
    }

    @Test("no peer, no address")
    func noPeer() {
        #expect(ForwardedFor.client(peer: nil, header: ["198.51.100.7"], trusted: Self.proxies) == nil)
    }
}
