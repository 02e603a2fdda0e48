import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

extension Application {
    /// Connects Fluent to PostgreSQL when `DATABASE_URL` is set, otherwise to the
    /// embedded SQLite file in the data directory (created when missing).
    func useDatabase(_ settings: Settings) throws {
        if let url = settings.databaseURL {
            var config = try SQLPostgresConfiguration(url: url)
            if let schema = settings.databaseSchema {
                config.searchPath = [schema]
            }
            databases.use(
                .postgres(
                    configuration: config, maxConnectionsPerEventLoop: settings.databaseConnectionsPerLoop,
                    connectionPoolTimeout: .seconds(10)),
                as: .psql)
        } else {
            try FileManager.default.createDirectory(
                atPath: settings.dataDirectory, withIntermediateDirectories: true)
            databases.use(.sqlite(.file(settings.databasePath)), as: .sqlite)
            databases.use(.ownConnection(.sqlite(.file(settings.databasePath))), as: .sqliteWriter, isDefault: false)
        }
    }

    /// Sets the durability and cache pragmas on SQLite. WAL is stored in the file; synchronous and
    /// the busy timeout belong to each connection, and the pool keeps one connection per
    /// event loop, so each loop's connection is primed here, and the writer's too.
    func prepareSQLite() async throws {
        guard !tandemSettings.usesPostgres else { return }
        let connections =
            eventLoopGroup.makeIterator().map { databases.database(.sqlite, logger: logger, on: $0)! }
            + [databases.database(.sqliteWriter, logger: logger, on: eventLoopGroup.next())!]
        for connection in connections {
            let db = connection as! any SQLDatabase
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = FULL").run()
            try await db.raw("PRAGMA busy_timeout = 5000").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
            // 16 MiB of pages per connection instead of SQLite's 2: the indexes a caseload
            // and a search walk stay in memory rather than being read again for each page.
            try await db.raw("PRAGMA cache_size = -16384").run()
        }
        try await refreshPlannerStatistics()
    }

    /// Refreshes SQLite's table statistics, sampling at most a few thousand rows of each
    /// index so it stays quick on any size. Without them the planner can prefer an index on
    /// the organization (every row of a single-organization database) over the primary key,
    /// and a page of 60 engagements would read the whole table.
    func refreshPlannerStatistics() async throws {
        guard !tandemSettings.usesPostgres,
            let db = databases.database(.sqlite, logger: logger, on: eventLoopGroup.next()) as? any SQLDatabase
        else { return }
        try await db.raw("PRAGMA analysis_limit = 2000").run()
        try await db.raw("ANALYZE").run()
    }
}

extension DatabaseID {
    /// The SQLite connection that makes the frequent writes (see `Request.writeDB`).
    static let sqliteWriter = DatabaseID(string: "sqlite-writer")
}

extension Application {
    /// Where the frequent writes go: on SQLite one connection of their own, on PostgreSQL
    /// the pool (see `Request.writeDB`).
    var writeDB: any Database { tandemSettings.usesPostgres ? db : db(.sqliteWriter) }
}

extension Request {
    /// Where the frequent writes go: audit entries, check-ins, a token's or session's last
    /// use. SQLite lets one connection write at a time; when the connections that serve
    /// reads (one per event loop) also wrote, the second writer slept in SQLite's busy
    /// handler a millisecond and more at a time. One writer connection does not wait for
    /// another. Everything else (rare writes, transactions) stays on `db`. On PostgreSQL
    /// this is `db`.
    var writeDB: any Database { application.tandemSettings.usesPostgres ? db : db(.sqliteWriter) }
}
