import Foundation
import Vapor

/// While Tandem serves, and only when e-mail is configured: every few seconds, queue the
/// reminders that have come due and send what the outbox holds. At start it settles what
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
        let running = Task {
            var lastCapitalRound = Date.distantPast
            while !Task.isCancelled {
                let db = app.writeDB
                // Each step on its own: a failing reminder query must not stop delivery.
                await Self.step("reminders", app) { _ = try await Reminders.queueDue(app, on: db) }
                if Date().timeIntervalSince(lastCapitalRound) >= 3600 {
                    await Self.step("recovery capital reminders", app) {
                        _ = try await Reminders.queueRecoveryCapitalDue(app, on: db)
                    }
                    lastCapitalRound = Date()
                }
                await Self.step("article notices", app) { _ = try await SiteService.notifyNewArticles(app, on: db) }
                await Self.step("delivery", app) {
                    _ = try await Outbox.deliverDue(on: db, client: client, retryBase: retryBase)
                }
                try? await Task.sleep(nanoseconds: interval)
            }
        }
        task.start(running)
    }

    /// Runs one step of a round, logging (without personal data) when it fails.
    static func step(_ name: String, _ app: Application, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            app.logger.warning("The outbox's \(name) step failed: \(String(reflecting: type(of: error)))")
        }
    }

    func shutdownAsync(_ app: Application) async {
        await task.stop()
    }
}
