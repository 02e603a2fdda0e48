import Fluent
import Foundation
import SQLKit
import Vapor

/// The jobs Tandem runs on a schedule while it serves (reminders, e-mail delivery, feed
/// refresh, message retention). Every serving process runs the same loops, and several may
/// share one PostgreSQL database; each round of a job is claimed first through the job's row
/// in `scheduled_jobs`, with one conditional UPDATE that moves its due time forward. The
/// database lets one such update through for a due time (PostgreSQL locks the row and
/// re-checks the condition for a second updater; SQLite has one writer), so a round runs in
/// one process, not once per process. A round that outlasts its interval may overlap the
/// next one; every job is safe to overlap (reminders have keys, e-mail leases, feeds
/// claims, retention deletes what is old).
enum ScheduledJobs {
    /// Who runs a round, as written in `last_runner`: the host and process.
    static let runner = "\(ProcessInfo.processInfo.hostName.prefix(40)):\(ProcessInfo.processInfo.processIdentifier)"

    /// True when this call claimed the round of `name` due at `now`; it is then next due
    /// `interval` later.
    static func claim(
        _ name: String, every interval: TimeInterval, now: Date = Date(), runner: String = runner,
        on db: any Database
    ) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return true }
        try await sql.raw(
            """
            INSERT INTO scheduled_jobs (name, next_run_at, last_runner, runs) \
            VALUES (\(bind: name), \(bind: now), '', 0) ON CONFLICT (name) DO NOTHING
            """
        ).run()
        // A little slack, so a loop that wakes a moment early still finds its round due.
        let next = now.addingTimeInterval(interval * 0.95)
        let claimed = try await sql.raw(
            """
            UPDATE scheduled_jobs SET next_run_at = \(bind: next), last_run_at = \(bind: now), \
            last_runner = \(bind: runner), runs = runs + 1 \
            WHERE name = \(bind: name) AND next_run_at <= \(bind: now) RETURNING name
            """
        ).all()
        return !claimed.isEmpty
    }

    /// Runs `body` when this process claims the round; a failure is logged without personal
    /// data and waits for the next round.
    static func run(
        _ name: String, every interval: TimeInterval, _ app: Application, _ body: () async throws -> Void
    ) async {
        do {
            guard try await claim(name, every: interval, on: app.writeDB) else { return }
            try await body()
        } catch {
            app.logger.warning("The scheduled job \(name) failed: \(String(reflecting: type(of: error)))")
        }
    }
}
