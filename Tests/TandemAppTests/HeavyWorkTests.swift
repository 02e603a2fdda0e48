import Testing

@testable import TandemApp

@Suite("Organization-wide reckonings, a few at a time")
struct HeavyWorkTests {
    /// Counts the works running, and holds them until opened.
    actor Gate {
        var running = 0
        var most = 0
        private var isOpen = false
        private var held: [CheckedContinuation<Void, Never>] = []

        func pass() async {
            running += 1
            most = max(most, running)
            if !isOpen { await withCheckedContinuation { held.append($0) } }
            running -= 1
        }

        func open() {
            isOpen = true
            for waiter in held { waiter.resume() }
            held = []
        }
    }

    static func until(_ condition: @Sendable () async -> Bool) async {
        while !(await condition()) { await Task.yield() }
    }

    @Test("beyond the limit a request waits its turn; each gets its own answer")
    func limit() async throws {
        let heavy = HeavyWork(limit: 2)
        let gate = Gate()
        let work = { @Sendable (index: Int) in
            Task {
                try await heavy.run { () async throws -> Int in
                    await gate.pass()
                    return index * 10
                }
            }
        }
        let first = work(1)
        let second = work(2)
        await Self.until { await gate.running == 2 }
        let third = work(3)
        await Self.until { await heavy.queued == 1 }
        #expect(await gate.running == 2)
        await gate.open()
        #expect(try await [first.value, second.value, third.value] == [10, 20, 30])
        #expect(await gate.most == 2)
        #expect(await heavy.queued == 0)
    }

    @Test("a reckoning that fails gives its slot back")
    func failure() async throws {
        struct Refused: Error {}
        let heavy = HeavyWork(limit: 1)
        await #expect(throws: Refused.self) { try await heavy.run { () async throws -> Int in throw Refused() } }
        let after = try await heavy.run { 7 }
        #expect(after == 7)
    }

    @Test("a request given up while it waits leaves the line and takes no slot")
    func cancelled() async throws {
        let heavy = HeavyWork(limit: 1)
        let gate = Gate()
        let ran = Gate()
        let first = Task { try await heavy.run { await gate.pass() } }
        await Self.until { await gate.running == 1 }
        let given = Task { try await heavy.run { await ran.pass() } }
        await Self.until { await heavy.queued == 1 }
        given.cancel()
        await #expect(throws: CancellationError.self) { try await given.value }
        #expect(await heavy.queued == 0)
        await gate.open()
        try await first.value
        #expect(await ran.most == 0)
        let after = try await heavy.run { 7 }
        #expect(after == 7)
    }
}
