import Fluent
import NIOCore
import NIOPosix

/// A database configuration served by `connections` connections, each on an event loop and a
/// thread of its own, whatever loop a request runs on. Handing a connection from one
/// statement to the next happens on its loop: on a loop that also serves requests, each
/// handoff waited behind the request work queued there, and on the shared thread pool a
/// statement waited behind other connections' statements.
struct DedicatedConnectionsConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let connections: Int

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: connections)
        let threads = NIOThreadPool(numberOfThreads: connections)
        threads.start()
        let own = Databases(threadPool: threads, on: group)
        return DedicatedConnectionsDriver(inner: inner.makeDriver(for: own), group: group, threads: threads)
    }
}

private struct DedicatedConnectionsDriver: DatabaseDriver {
    let inner: any DatabaseDriver
    let group: MultiThreadedEventLoopGroup
    let threads: NIOThreadPool

    /// Each use takes the next connection in turn (the pool keeps one per loop).
    func makeDatabase(with context: DatabaseContext) -> any Database {
        inner.makeDatabase(
            with: DatabaseContext(
                configuration: context.configuration, logger: context.logger, eventLoop: group.next(),
                history: context.history, pageSizeLimit: context.pageSizeLimit, shouldTrace: context.shouldTrace))
    }

    func shutdown() {
        inner.shutdown()
        try? threads.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    func shutdownAsync() async {
        await inner.shutdownAsync()
        try? await threads.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}

extension DatabaseConfigurationFactory {
    /// `factory`'s database through `connections` dedicated connections.
    static func dedicated(_ connections: Int, _ factory: DatabaseConfigurationFactory) -> DatabaseConfigurationFactory {
        DatabaseConfigurationFactory {
            DedicatedConnectionsConfiguration(inner: factory.make(), connections: connections)
        }
    }
}
