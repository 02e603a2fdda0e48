import NIOConcurrencyHelpers

/// A task a lifecycle handler starts when the server boots and stops at shutdown, letting the
/// round it is in finish.
final class BackgroundTask: Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func start(_ running: Task<Void, Never>) {
        task.withLockedValue { $0 = running }
    }

    func stop() async {
        let running = task.withLockedValue { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
    }
}
