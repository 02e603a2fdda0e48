/// A limit on how many organization-wide reckonings (a month's billing) run at once in one
/// process. Each holds its organization's month in memory while it works: 32 supervisors
/// exporting a statewide program's month at the same moment took the server from about 100
/// to 430 MiB. Beyond the limit, requests wait their turn, first come first served; the
/// answers are the same, only later.
actor HeavyWork {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        await start()
        defer { finish() }
        return try await work()
    }

    /// Requests waiting for a slot.
    var queued: Int { waiting.count }

    private func start() async {
        if running < limit {
            running += 1
            return
        }
        // The slot is handed over by `finish`, so `running` already counts this one.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func finish() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
