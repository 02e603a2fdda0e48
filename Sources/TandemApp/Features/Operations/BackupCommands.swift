import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// `tandem backup FILE`: a consistent copy of the SQLite database taken while the server
/// runs (`VACUUM INTO` reads one snapshot), written to a temporary name, fsynced, then
/// renamed into place so a half-written file never carries the final name.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the backup") var file: String
    }

    var help: String { "Writes a consistent, fsynced copy of the SQLite database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard !app.tandemSettings.usesPostgres else {
            throw CommandFailure("On PostgreSQL, back up with pg_dump (see the README).")
        }
        let target = URL(fileURLWithPath: signature.file).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: target) else {
            throw CommandFailure("\(target) exists already; choose a new file name.")
        }
        guard FileManager.default.fileExists(atPath: app.tandemSettings.databasePath) else {
            throw CommandFailure("There is no database at \(app.tandemSettings.databasePath).")
        }
        let temporary = target + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        guard let sql = app.db as? any SQLDatabase else { throw CommandFailure("The database is not SQL.") }
        try await sql.raw("VACUUM INTO \(bind: temporary)").run()
        // The copy holds password hashes and two-factor secrets: readable by its owner only.
        guard chmod(temporary, 0o600) == 0 else { throw CommandFailure("Could not restrict access to \(temporary).") }
        try FileSync.sync(path: temporary)
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
        try FileSync.sync(path: (target as NSString).deletingLastPathComponent)
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        context.console.print("Backed up to \(target) (\(size) bytes).")
    }
}

/// `tandem restore FILE`: checks the file's integrity and that it is a Tandem database,
/// refuses while a server uses the database, then swaps it in atomically.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The backup to restore") var file: String
    }

    var help: String { "Replaces the SQLite database with a checked backup (server must be stopped)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let settings = app.tandemSettings
        guard !settings.usesPostgres else {
            throw CommandFailure("On PostgreSQL, restore with pg_restore (see the README).")
        }
        let source = URL(fileURLWithPath: signature.file).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: source) else {
            throw CommandFailure("There is no file \(source).")
        }
        try await Self.check(source, app: app)
        guard let lock = DatabaseLock(databasePath: settings.databasePath, exclusive: true) else {
            throw CommandFailure("A Tandem server is using \(settings.databasePath). Stop it, then restore.")
        }
        defer { lock.release() }
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let staging = settings.databasePath + ".restoring"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.copyItem(atPath: source, toPath: staging)
        try FileSync.sync(path: staging)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: settings.databasePath + suffix) }
        if rename(staging, settings.databasePath) != 0 {
            throw CommandFailure("Could not move the restored file into place.")
        }
        try FileSync.sync(path: settings.dataDirectory)
        context.console.print("Restored \(settings.databasePath) from \(source).")
    }

    /// Opens the file read-only and asks SQLite for an integrity check and our migration table.
    static func check(_ path: String, app: Application) async throws {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: app.logger)
        } catch {
            throw CommandFailure("\(path) is not an SQLite database.")
        }
        do {
            let rows = try await connection.query("PRAGMA integrity_check")
            let verdict = rows.first?.column("integrity_check")?.string ?? "unknown"
            guard verdict == "ok" else { throw CommandFailure("\(path) failed the integrity check: \(verdict)") }
            let tables = try await connection.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'")
            guard !tables.isEmpty else { throw CommandFailure("\(path) is not a Tandem database.") }
            try await connection.close()
        } catch let failure as CommandFailure {
            try? await connection.close()
            throw failure
        } catch {
            try? await connection.close()
            throw CommandFailure("\(path) is not a readable SQLite database.")
        }
    }
}

enum FileSync {
    /// fsync a file or directory so what was written survives a power cut.
    static func sync(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CommandFailure("Could not open \(path) to sync it.") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CommandFailure("Could not sync \(path).") }
    }
}

/// An advisory lock beside the SQLite file: servers hold it shared, restore needs it
/// exclusive. The kernel releases it when the process ends, even by SIGKILL.
final class DatabaseLock: @unchecked Sendable {
    private var fd: Int32

    init?(databasePath: String, exclusive: Bool) {
        let fd = open(databasePath + ".lock", O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
