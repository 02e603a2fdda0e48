import Foundation
import Vapor

/// While Tandem serves, and only when e-mail is configured: every few seconds, queue the
/// reminders that have come due and send what the outbox holds (each step a scheduled job,
/// run by one of the processes sharing the database). At start it settles what
/// a crash left half-sent; at shutdown it finishes the round it is in.
final class OutboxWorker: LifecycleHandler, Sendable {
    private let task = BackgroundTask()

    /// True when this process was started to serve requests (not for a command like
    /// `migrate` or `seed`, which must not send anything).
    static func isServing(_ app: Application) -> Bool {
        let arguments = app.environment.arguments.dropFirst()
        return arguments.isEmpty || arguments.first == "serve"
    }

    func didBootAsync(_ app: Application) async throws {
        guard let smtp = app.tandemSettings.smtp, Self.isServing(app) else { return }
        try await Outbox.recover(on: app.writeDB)
        let client = SMTPClient(configuration: smtp, group: app.eventLoopGroup)
        let interval = UInt64(app.tandemSettings.outboxIntervalSeconds) * 1_000_000_000
        let retryBase = TimeInterval(app.tandemSettings.outboxRetrySeconds)
        app.logger.notice("E-mail goes through \(smtp.host):\(smtp.port) (\(smtp.security.rawValue))")
        if app.tandemSettings.baseURL == nil {
            // Mail answering a public form links to the public address only (`Mail.publicLink`).
            app.logger.warning("TANDEM_BASE_URL is not set: links in e-mail from public forms point to localhost")
        }
        let seconds = TimeInterval(app.tandemSettings.outboxIntervalSeconds)
        let running = Task {
            while !Task.isCancelled {
                let db = app.writeDB
                // Each step on its own, claimed for this round by one process of those sharing
                // the database: a failing reminder query must not stop delivery.
                await ScheduledJobs.run("reminders", every: seconds, app) {
                    _ = try await Reminders.queueDue(app, on: db)
                }
                await ScheduledJobs.run("recovery capital reminders", every: 3600, app) {
                    _ = try await Reminders.queueRecoveryCapitalDue(app, on: db)
                }
                await ScheduledJobs.run("article notices", every: seconds, app) {
                    _ = try await SiteService.notifyNewArticles(app, on: db)
                }
                await ScheduledJobs.run("e-mail delivery", every: seconds, app) {
                    _ = try await Outbox.deliverDue(on: db, client: client, retryBase: retryBase)
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
