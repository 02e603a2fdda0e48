import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Scheduled jobs and shared keys across processes")
struct ScheduledJobsTests {
    @Test("a round is claimed once for its due time, and again once the interval has passed")
    func oncePerRound() async throws {
        try await withTandem { app in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func claim(_ name: String, _ interval: TimeInterval, after seconds: TimeInterval) async throws -> Bool {
                try await ScheduledJobs.claim(name, every: interval, now: now.addingTimeInterval(seconds), on: app.db)
            }
            let first = try await claim("reminders", 60, after: 0)
            let again = try await claim("reminders", 60, after: 0)
            let early = try await claim("reminders", 60, after: 30)
            // Another job keeps its own schedule.
            let other = try await claim("message retention", 3600, after: 0)
            let next = try await claim("reminders", 60, after: 60)
            #expect([first, again, early, other, next] == [true, false, false, true, true])
        }
    }

    @Test("two servers on one database, claiming the same round at once: exactly one runs it")
    func twoServers() async throws {
        try await withTandem { app in
            try await withSecondServer(app) { other in
                for round in 0..<5 {
                    let now = Date(timeIntervalSince1970: 1_800_000_000 + Double(round) * 60)
                    let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                        for attempt in 0..<16 {
                            let db = attempt % 2 == 0 ? app.db : other.db
                            group.addTask {
                                try await ScheduledJobs.claim(
                                    "e-mail delivery", every: 60, now: now, runner: "server \(attempt % 2)", on: db)
                            }
                        }
                        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                    #expect(wins == 1, "round \(round)")
                }
                let row = try await (app.db as! any SQLDatabase).raw(
                    "SELECT runs, last_runner FROM scheduled_jobs WHERE name = 'e-mail delivery'"
                ).first()
                #expect(try row?.decode(column: "runs", as: Int.self) == 5)
                #expect(try row?.decode(column: "last_runner", as: String.self).hasPrefix("server ") == true)
            }
        }
    }

    @Test("a shared key is made once, and every process, and the next start, reads the same one")
    func sharedKey() async throws {
        try await withTandem { app in
            try await withSecondServer(app) { other in
                async let mine = app.tandem.secrets.key("comment_client", on: app.db)
                async let theirs = other.tandem.secrets.key("comment_client", on: other.db)
                let (first, second) = try await (mine, theirs)
                #expect(first == second && first.count == 32)
                let afterRestart = try await SharedSecrets().key("comment_client", on: app.db)
                let another = try await SharedSecrets().key("another", on: app.db)
                #expect(afterRestart == first && another != first)
            }
        }
    }

    /// A second application on the same database: its own connection pool and its own
    /// memory, as another `tandem` process would have.
    func withSecondServer(_ app: Application, _ body: (Application) async throws -> Void) async throws {
        let other = try await Application.make(.testing)
        do {
            try await configure(other, settings: app.tandemSettings)
            try await body(other)
        } catch {
            try? await other.asyncShutdown()
            throw error
        }
        try await other.asyncShutdown()
    }
}
