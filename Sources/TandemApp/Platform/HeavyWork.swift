/// A limit on how many organization-wide reckonings (a month's billing) run at once in one
/// process. Each holds its organization's month in memory while it works: 32 supervisors
/// exporting a statewide program's month at the same moment took the server from about 100
/// to 430 MiB. Beyond the limit, requests wait their turn, first come first served; the
/// answers are the same, only later. A request given up while it waits (its client went
/// away) leaves the line, so no slot goes to work nobody will read.
actor HeavyWork {
    private let limit: Int
    private var running = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    init(limit: Int) {
        self.limit = limit
    }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        try await start()
        defer { finish() }
        try Task.checkCancellation()
        return try await work()
    }

    /// Requests waiting for a slot.
    var queued: Int { waiting.count }

    private func start() async throws {
        if running < limit {
            running += 1
            return
        }
        nextID += 1
        let id = nextID
        // The slot is handed over by `finish` (true), so `running` already counts this one;
        // a cancelled waiter is resumed with false and holds nothing.
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiting.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.leave(id) }
        }
        if !granted { throw CancellationError() }
    }

    private func leave(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(returning: false)
    }

    private func finish() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().continuation.resume(returning: true)
        }
    }
}
