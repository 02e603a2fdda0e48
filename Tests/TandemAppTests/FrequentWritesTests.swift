import Fluent
import FluentSQL
import Foundation
import Testing

@testable import TandemApp

@Suite("Frequent writes committed with their audit entries")
struct FrequentWritesTests {
    static func entry(_ action: String) -> AuditLog.Entry {
        AuditLog.Entry(
            action: action, outcome: .success, actor: nil, organization: nil, subjectType: nil, subject: nil,
            participant: nil, requestID: nil, clientAddress: nil)
    }

    /// A write of one row that fails when `name` is already stored.
    static func write(_ name: String) -> AuditLog.Work {
        { db in
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("INSERT INTO shared_secrets (name, value) VALUES (\(bind: name), 'v')").run()
        }
    }

    @Test("writes arriving together are stored with their entries; a failing one fails alone and leaves no entry")
    func together() async throws {
        try await withTandem { app in
            let writes = FrequentWrites(
                database: app.writeDB, audit: app.tandem.audit, together: !app.tandem.settings.usesPostgres)
            try await writes.run(Self.write("taken"), audited: Self.entry("test.first"))
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        // Number 7 collides with the row written above.
                        let name = index == 7 ? "taken" : "key-\(index)"
                        do {
                            try await writes.run(Self.write(name), audited: Self.entry("test.\(index)"))
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter { !$0.value }.map(\.key) == [7])
            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT name FROM shared_secrets WHERE name LIKE 'key-%'").all()
            #expect(rows.count == 39)
            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
            #expect(actions.first == "test.first")
            #expect(Set(actions) == Set(["test.first"] + (0..<40).filter { $0 != 7 }.map { "test.\($0)" }))
            #expect(actions.count == 40)
            let broken = try await AuditLog.firstBrokenLink(on: app.db)
            #expect(broken == nil)
        }
    }

    /// Holds the queue's writer inside its transaction until opened.
    actor Gate {
        private var isOpen = false
        private var held: CheckedContinuation<Void, Never>?
        private(set) var entered = false

        func pass() async {
            entered = true
            if !isOpen { await withCheckedContinuation { held = $0 } }
        }

        func open() {
            isOpen = true
            held?.resume()
            held = nil
        }
    }

    @Test("a batch with a failing write goes again item by item: the others are stored once, with their entries")
    func batchRetried() async throws {
        try await withTandem { app in
            guard !app.tandem.settings.usesPostgres else { return }
            let writes = FrequentWrites(database: app.writeDB, audit: app.tandem.audit, together: true)
            try await writes.run(Self.write("taken"))
            let gate = Gate()
            let first = Task { try await writes.run({ _ in await gate.pass() }, audited: Self.entry("test.held")) }
            while !(await gate.entered) { await Task.yield() }
            // These wait together for the next transaction; "taken" makes it fail.
            let names = ["a", "b", "taken", "c"]
            let tasks = names.map { name in
                Task { () -> Bool in
                    (try? await writes.run(Self.write(name), audited: Self.entry("test.\(name)"))) != nil
                }
            }
            while await app.tandem.audit.queued < names.count { await Task.yield() }
            await gate.open()
            try await first.value
            var stored: [Bool] = []
            for task in tasks { stored.append(await task.value) }
            #expect(stored == [true, true, false, true])
            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT name FROM shared_secrets WHERE name IN ('a', 'b', 'c')").all()
            #expect(rows.count == 3)
            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
            // The waiting ones in the order they arrived, which the tasks do not fix.
            #expect(actions.first == "test.held")
            #expect(actions.count == 4 && Set(actions.dropFirst()) == ["test.a", "test.b", "test.c"])
            let broken = try await AuditLog.firstBrokenLink(on: app.db)
            #expect(broken == nil)
        }
    }
}
