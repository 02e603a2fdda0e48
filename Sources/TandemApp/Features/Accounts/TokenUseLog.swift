import Fluent
import Foundation
import SQLKit
import Vapor

/// When each API token was last used, for the person's list of their tokens. Written during
/// the request, it cost an API request a durable write of its own (a phone's daily check-in
/// is usually its token's first use that day); so uses are gathered and written together
/// about a second later, in one statement, and whatever is waiting is written at shutdown.
actor TokenUseLog {
    private var pending: [UUID: Date] = [:]
    private var flushScheduled = false
    /// How long uses gather before they are written.
    static let delay: Duration = .seconds(1)

    func used(_ token: UUID, at time: Date, on db: any Database) {
        pending[token] = time
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: Self.delay)
            try? await self.flush(on: db)
        }
    }

    /// Writes every waiting use now.
    func flush(on db: any Database) async throws {
        flushScheduled = false
        guard !pending.isEmpty, let sql = db as? any SQLDatabase else { return }
        let batch = pending
        pending = [:]
        // One UPDATE per few hundred tokens, each getting its own time. A chunk that fails
        // waits for the next flush, unless the token was used again meanwhile.
        for chunk in Array(batch).chunked(200) {
            var query = SQLQueryString("UPDATE api_tokens SET last_used_at = CASE id")
            for (id, time) in chunk {
                query.appendInterpolation(unsafeRaw: " WHEN ")
                query.appendInterpolation(bind: id)
                query.appendInterpolation(unsafeRaw: " THEN ")
                query.appendInterpolation(bind: time)
            }
            query.appendInterpolation(unsafeRaw: " END WHERE id IN (")
            query.appendInterpolation(binds: chunk.map(\.key))
            query.appendInterpolation(unsafeRaw: ")")
            do {
                try await sql.raw(query).run()
            } catch {
                for (id, time) in chunk where pending[id] == nil { pending[id] = time }
                throw error
            }
        }
    }
}

/// Writes the waiting token uses before the databases close.
struct TokenUseFlush: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        let id: DatabaseID = application.tandemSettings.usesPostgres ? .psql : .sqliteWriter
        guard
            let db = application.databases.database(
                id, logger: application.logger, on: application.eventLoopGroup.any())
        else { return }
        try? await application.tandem.tokenUse.flush(on: db)
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
