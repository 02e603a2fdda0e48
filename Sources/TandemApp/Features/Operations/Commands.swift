import Fluent
import Foundation
import Vapor

/// `tandem migrate`: runs pending migrations without asking (safe to run twice).
struct MigrateNowCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Runs pending database migrations." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.prepareDatabase()
        context.console.print("Migrations are up to date.")
    }
}

/// `tandem setup --org NAME --email EMAIL [--name NAME]`: creates an organization and
/// its admin from a script. The password comes from standard input or
/// TANDEM_SETUP_PASSWORD, never from the command line where other users could see it.
struct SetupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "org", help: "The organization's name") var org: String?
        @Option(name: "email", help: "The admin's e-mail") var email: String?
        @Option(name: "name", help: "The admin's name (default: Administrator)") var name: String?
    }

    var help: String { "Creates an organization and its admin account." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let org = signature.org, let email = signature.email else {
            throw CommandFailure("Give both --org NAME and --email EMAIL.")
        }
        var password = Environment.get("TANDEM_SETUP_PASSWORD") ?? ""
        if password.isEmpty {
            context.console.print("Password for \(email) (from standard input):")
            password = readLine(strippingNewline: true) ?? ""
        }
        try await app.prepareDatabase()
        let service = AccountService(db: app.db, hasher: app.password.async, settings: app.tandemSettings)
        do {
            let (organization, user) = try await service.createOrganization(
                name: org, adminName: signature.name ?? "Administrator", email: email, password: password)
            try await app.tandem.audit.record(
                "organization.create", actor: user.id, organization: organization.id, subjectType: "organization",
                subject: organization.id, requestID: nil, on: app.writeDB)
            context.console.print("Created \(organization.name) with admin \(user.email).")
        } catch let invalid as AccountService.Invalid {
            let english = app.tandem.messages[.en]
            let lines = invalid.fields.map { "\($0.0): \(english?.text($0.1) ?? $0.1)" }
            throw CommandFailure("Nothing was created.\n" + lines.joined(separator: "\n"))
        }
    }
}

/// A failure to show as it is, without a stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
