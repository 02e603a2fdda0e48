import NIOConcurrencyHelpers

/// Runs work with a time limit that holds even when the work ignores cancellation (a query on
/// a connection that went away without a word): past the limit the caller gets
/// `Deadline.Exceeded` and goes on; the work is left to finish or fail on its own.
enum Deadline {
    struct Exceeded: Error {}

    static func run<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(continuation)
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                once.withLockedValue { pending in
                    pending?.resume(with: result)
                    pending = nil
                }
            }
            let timer = Task {
                // Cancelled as soon as the work is done, so no sleeper outlives it.
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                finish(.failure(Exceeded()))
            }
            Task {
                let result: Result<T, any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                timer.cancel()
                finish(result)
            }
        }
    }
}
