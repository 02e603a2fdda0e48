import NIOCore
import Vapor

/// Keeps a request's asynchronous work on the event loop that received its connection.
///
/// Swift concurrency runs on the event loops (`TandemMain.useEventLoopsForConcurrency`), and a
/// task resumes on whichever loop completed what it awaited. SQLite's writer answers on a loop
/// of its own (`OwnConnectionConfiguration`), and the event-loop hook then picks a loop
/// without regard to where the request was, so requests bunched up on one loop while the
/// other idled. With a preferred executor a task goes back to its own loop after each await.
struct EventLoopAffinityMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await withTaskExecutorPreference(EventLoopTaskExecutor(request.eventLoop)) {
            try await next.respond(to: request)
        }
    }
}

/// A task executor that runs jobs on one event loop.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
