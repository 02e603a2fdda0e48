import ConsoleKit
import Fluent
import SQLKit
import Testing
import Vapor

@testable import TandemApp

@Suite("The statewide seed", .serialized)
struct SeedCommandTests {
    func seed(_ app: Application, _ options: [String], refusalExpected: Bool = false) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["tandem"] + options))
        context.application = app
        do {
            try await SeedCommand().run(using: &context)
        } catch {
            // A database's own words, so a failure in CI says what the server refused.
            if !refusalExpected { Issue.record("tandem seed failed: \(String(reflecting: error))") }
            throw error
        }
    }

    func count(_ table: String, _ app: Application) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        return try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(
            column: "n", as: Int.self)
    }

    @Test("organizations, people, history and meetings in the numbers asked, with an intact audit chain")
    func statewideShape() async throws {
        let tokens = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: tokens) }
        try await withTandem { app in
            try await seed(
                app,
                [
                    "--participants", "600", "--per-coach", "50", "--organizations", "3", "--check-ins", "1900",
                    "--notes", "1300", "--messages", "700", "--meetings", "31", "--history", "--accounts", "40",
                    "--tokens-file", tokens, "--seed", "5",
                ])
            let counts = [
                "organizations": 3, "participants": 600, "engagements": 600, "check_ins": 1900,
                "session_notes": 1300, "session_note_participants": 1300, "messages": 700, "meetings": 31,
                "api_tokens": 40,
            ]
            for (table, expected) in counts { #expect(try await count(table, app) == expected, "\(table)") }
            let lines = try String(contentsOfFile: tokens, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 40)
            // 12 coaches, an admin and a supervisor for each organization, 40 participants.
            #expect(try await count("users", app) == 12 + 6 + 40)
            let plans = try await count("recovery_plan_versions", app)
            #expect(plans > 400 && plans < 600)
            #expect(try await count("recovery_plan_signatures", app) == plans * 2)
            #expect(try await count("recovery_capital_assessments", app) > 300)
            #expect(try await count("consents", app) > 80)
            // One audit entry for each note, message, plan, assessment and consent.
            let recorded = try await [
                "session_notes", "messages", "recovery_plan_versions",
                "recovery_capital_assessments", "consents",
            ].asyncReduce(0) { $0 + (try await count($1, app)) }
            #expect(try await count("audit_events", app) == recorded)
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == nil)

            let sql = app.db as! any SQLDatabase
            // Every coach's people are in the coach's own organization, and each has 200 people.
            let strays = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM engagement_coaches c JOIN memberships m ON m.user_id = c.coach_id \
                WHERE m.organization_id <> c.organization_id
                """
            ).first()!.decode(column: "n", as: Int.self)
            #expect(strays == 0)
            let sizes = try await sql.raw("SELECT COUNT(*) AS n FROM participants GROUP BY organization_id").all()
                .map { try $0.decode(column: "n", as: Int.self) }
            #expect(sizes == [200, 200, 200])
            // Notes are signed by their author and name one of the author's own people.
            let foreign = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM session_notes s JOIN session_note_participants p ON p.note_id = s.id \
                JOIN engagements e ON e.participant_id = p.participant_id \
                JOIN engagement_coaches c ON c.engagement_id = e.id WHERE c.coach_id <> s.author_id \
                OR s.status <> 'signed'
                """
            ).first()!.decode(column: "n", as: Int.self)
            #expect(foreign == 0)

            // A second run on the same database changes nothing.
            await #expect(throws: (any Error).self) {
                try await seed(app, ["--participants", "10"], refusalExpected: true)
            }
            #expect(try await count("participants", app) == 600)
        }
    }

    @Test("options that cannot be met are refused before anything is written")
    func refusals() async throws {
        try await withTandem { app in
            for options in [
                ["--participants", "100", "--organizations", "5"], ["--participants", "10", "--notes", "6000"],
                ["--participants", "0"], ["--accounts", "5"],
            ] {
                await #expect(throws: (any Error).self, "\(options)") {
                    try await seed(app, options, refusalExpected: true)
                }
            }
            let organizations = try await count("organizations", app)
            #expect(organizations == 0)
        }
    }
}

extension Array {
    func asyncReduce<Result>(_ initial: Result, _ next: (Result, Element) async throws -> Result) async rethrows
        -> Result
    {
        var result = initial
        for element in self { result = try await next(result, element) }
        return result
    }
}
