import Fluent
import Foundation
import Vapor

/// `tandem audit verify`: walks the whole audit chain and names the first entry whose
/// hash does not match (exit status 1), or says how many entries are intact.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify") var action: String
    }

    var help: String { "Checks the audit trail's hash chain: tandem audit verify" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else {
            throw CommandFailure("Unknown action \(signature.action); use: tandem audit verify")
        }
        let app = context.application
        try await app.prepareDatabase()
        let total = try await AuditEvent.query(on: app.db).count()
        if let broken = try await AuditLog.firstBrokenLink(on: app.db) {
            let event = try await AuditEvent.query(on: app.db).filter(\.$sequence == broken).first()
            let detail = event.map { " (\($0.action), \(ISO8601DateFormatter().string(from: $0.occurredAt)))" } ?? ""
            throw CommandFailure(
                "The audit chain is broken at entry \(broken)\(detail): it or an entry before it was changed or removed."
            )
        }
        context.console.print("The audit chain is intact: \(total) entries.")
    }
}
