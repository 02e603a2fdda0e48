import Fluent
import Foundation
import Logging
import NIOCore
import NIOPosix
import TandemKit
import Vapor

/// The `tandem` executable: reads the settings, picks the database, and runs a command
/// (`serve` by default).
public enum TandemMain {
    /// Runs Swift concurrency's tasks on the event loops that serve the connections, so a
    /// request does not hop between two thread pools at every `await` (each hop is a
    /// wake-up and a context switch; on two cores they were a fifth of a page's time).
    /// Only from the main thread, before any task starts; nothing may block inside a task
    /// (database work already runs on its own thread pool, password hashing too).
    public static func useEventLoopsForConcurrency() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    public static func run() async {
        do {
            var env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env)
            var settings = Settings.fromEnvironment()
            var arguments = env.arguments
            let commandIndex = arguments.indices.dropFirst().first { !arguments[$0].hasPrefix("-") }
            let command = commandIndex.map { arguments[$0] } ?? "serve"
            if command == "demo", let index = commandIndex {
                settings = try Demo.prepareSettings(settings)
                arguments[index] = "serve"
                env.arguments = arguments
            }
            let app = try await Application.make(env)
            do {
                try await configure(app, settings: settings)
                var lock: DatabaseLock?
                if command == "serve" || command == "demo" {
                    lock = try await startServing(
                        app, settings: settings, isDemo: command == "demo", arguments: arguments)
                }
                try await app.execute()
                if command == "serve" || command == "demo" {
                    // Vapor stops its parts in no set order, and a request still under way
                    // when the databases close would crash: stop taking requests, and let
                    // those under way finish, first.
                    await app.http.server.shared.shutdown()
                }
                lock?.release()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            exit(1)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Before serving: migrate, hold the database lock, fill the demo, or print the
    /// one-time setup link when there is no organization yet.
    static func startServing(_ app: Application, settings: Settings, isDemo: Bool, arguments: [String]) async throws
        -> DatabaseLock?
    {
        var lock: DatabaseLock?
        if !settings.usesPostgres {
            try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
            lock = DatabaseLock(databasePath: settings.databasePath, exclusive: false)
            if lock == nil {
                throw CommandFailure(
                    "\(settings.databasePath) is being restored; start Tandem again when that is done.")
            }
        }
        try await app.prepareDatabase()
        let base =
            settings.baseURL
            ?? "http://\(option(arguments, "--hostname", "-H") ?? "127.0.0.1"):\(option(arguments, "--port", "-p") ?? "8080")"
        if isDemo {
            let lines = try await Demo.populate(app)
            print(lines.joined(separator: "\n"))
            print("Open \(base)/signin — every page is labelled \"demo\".")
        } else if try await Organization.query(on: app.db).count() == 0 {
            let service = AccountService(db: app.db, hasher: app.password.async, settings: settings)
            let token = try await service.issueLink(.setup, validHours: settings.setupLinkHours)
            print(
                "Tandem has no organization yet. Open this one-time link to set it up (valid for \(settings.setupLinkHours) hours):"
            )
            print("\(base)/setup/\(token)")
        }
        FileHandle.standardOutput.synchronizeFile()
        return lock
    }

    static func option(_ arguments: [String], _ long: String, _ short: String) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == long || argument == short, index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix(long + "=") { return String(argument.dropFirst(long.count + 1)) }
        }
        return nil
    }
}
