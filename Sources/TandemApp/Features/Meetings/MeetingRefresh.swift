import Fluent
import Foundation
import SQLKit
import Vapor

/// Feeds refreshed on their own: a source with an address and `refresh_hours` set is fetched
/// again once that long has passed since it was last checked. Each due source is claimed by
/// moving its `checked_at` forward first, so two servers never fetch the same one at once; a
/// feed that cannot be fetched or read keeps its last good meetings, as a refresh by hand does.
enum MeetingRefresh {
    /// Fetches and imports every due source; returns how many were tried.
    @discardableResult
    static func runDue(
        on db: any Database, now: Date = Date(),
        fetch: @Sendable (String) async throws -> Data
    ) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 0 }
        let candidates = try await MeetingSource.query(on: db).filter(\.$kind == .feed).filter(\.$refreshHours > 0)
            .filter(\.$url != "").all()
        var tried = 0
        for source in candidates {
            let due = source.checkedAt.map { now.timeIntervalSince($0) >= Double(source.refreshHours) * 3600 } ?? true
            guard due else { continue }
            // The claim: only the process whose update still finds it due goes on.
            let cutoff = now.addingTimeInterval(-Double(source.refreshHours) * 3600)
            let claimed = try await sql.raw(
                """
                UPDATE meeting_sources SET checked_at = \(bind: now) WHERE id = \(bind: source.id!) \
                AND (checked_at IS NULL OR checked_at <= \(bind: cutoff)) RETURNING id
                """
            ).all()
            guard !claimed.isEmpty else { continue }
            tried += 1
            do {
                let data = try await fetch(source.url)
                // Stamped when it lands, not when the round began: the finder's cache notices
                // a change by the latest import time.
                _ = try await MeetingImport.run(
                    data, source: source.name, url: source.url, organizationID: source.organizationID, on: db,
                    now: max(now, Date()), revive: false)
            } catch {
                // One source's failure never stops the round; it keeps its last good meetings.
                let reason = (error as? CommandFailure)?.description ?? String(describing: type(of: error))
                source.report = "failed: \(reason); the previous meetings are kept"
                source.checkedAt = now
                try? await source.save(on: db)
            }
        }
        return tried
    }
}

/// While Tandem serves: looks for due feeds every few minutes (`TANDEM_MEETING_REFRESH_SECONDS`).
final class MeetingRefreshWorker: LifecycleHandler, Sendable {
    private let task = BackgroundTask()

    func didBootAsync(_ app: Application) async throws {
        guard OutboxWorker.isServing(app) else { return }
        let interval = UInt64(app.tandemSettings.meetingRefreshSeconds) * 1_000_000_000
        let seconds = TimeInterval(app.tandemSettings.meetingRefreshSeconds)
        let running = Task {
            while !Task.isCancelled {
                await ScheduledJobs.run("meeting refresh", every: seconds, app) {
                    try await MeetingRefresh.runDue(on: app.writeDB) {
                        try await FeedDownload.fetch($0, reach: FeedDownload.reach(app), app: app)
                    }
                }
                try? await Task.sleep(nanoseconds: interval)
            }
        }
        task.start(running)
    }

    func shutdownAsync(_ app: Application) async {
        await task.stop()
    }
}
