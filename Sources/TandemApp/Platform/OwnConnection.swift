import Fluent
import NIOCore
import NIOPosix

/// A database configuration served by one connection with an event loop and a thread of its
/// own, whatever loop a request runs on: SQLite's writer (`Request.writeDB`). Handing the
/// connection from one statement to the next happens on its loop; on a loop that also
/// serves requests, each handoff waited behind the request work queued there, and on the
/// shared thread pool a statement waited behind other connections' reads.
struct OwnConnectionConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let own = Databases(threadPool: thread, on: group)
        return OwnConnectionDriver(inner: inner.makeDriver(for: own), group: group, thread: thread)
    }
}

private struct OwnConnectionDriver: DatabaseDriver {
    let inner: any DatabaseDriver
    let group: MultiThreadedEventLoopGroup
    let thread: NIOThreadPool

    func makeDatabase(with context: DatabaseContext) -> any Database {
        inner.makeDatabase(
            with: DatabaseContext(
                configuration: context.configuration, logger: context.logger, eventLoop: group.next(),
                history: context.history, pageSizeLimit: context.pageSizeLimit, shouldTrace: context.shouldTrace))
    }

    func shutdown() {
        inner.shutdown()
        try? thread.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    func shutdownAsync() async {
        await inner.shutdownAsync()
        try? await thread.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}

extension DatabaseConfigurationFactory {
    /// `factory`'s database through one connection of its own (see `OwnConnectionConfiguration`).
    static func ownConnection(_ factory: DatabaseConfigurationFactory) -> DatabaseConfigurationFactory {
        DatabaseConfigurationFactory { OwnConnectionConfiguration(inner: factory.make()) }
    }
}
