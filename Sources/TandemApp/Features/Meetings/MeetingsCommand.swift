import Fluent
import Foundation
import TandemKit
import Vapor

/// `tandem meetings import SOURCE --name NAME [--organization NAME] [--own]`: imports a Meeting
/// Guide feed from a URL (30 s at most, 20 MB at most) or a file into an organization's
/// meetings, with a progress bar and a summary listing each record left out and why. With
/// `--own` the feed becomes the meetings the organization runs itself (moving them from
/// another system), edited in Tandem from then on and published at `/meetings.json`.
struct MeetingsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "import") var action: String
        @Argument(name: "source", help: "a feed's https:// address or a file") var source: String
        @Option(name: "name", help: "the source's name (its meetings are replaced on each import)") var name: String?
        @Option(name: "organization", help: "the organization's name, when there are several")
        var organization: String?
        @Flag(name: "own", help: "import as the meetings the organization runs itself (replacing them)")
        var own: Bool
    }

    var help: String { "Imports a Meeting Guide feed: tandem meetings import SOURCE --name NAME" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "import" else {
            throw CommandFailure("Unknown action \(signature.action); use: tandem meetings import SOURCE --name NAME")
        }
        let given = signature.name?.trimmingCharacters(in: .whitespaces) ?? ""
        let name = signature.own ? MeetingSource.ownName : given
        guard signature.own || (!name.isEmpty && name.count <= 100 && !name.hasPrefix("tandem:")) else {
            throw CommandFailure("Give the source a name (1 to 100 characters, not starting tandem:) with --name.")
        }
        let app = context.application
        try await app.prepareDatabase()
        let organizations = try await Organization.query(on: app.db).all()
        let chosen =
            signature.organization.map { wanted in organizations.filter { $0.name == wanted } } ?? organizations
        guard chosen.count == 1, let organization = chosen.first else {
            throw CommandFailure(
                organizations.isEmpty
                    ? "There is no organization yet: run tandem setup first."
                    : "Name the organization with --organization (one of: "
                        + organizations.map(\.name).sorted().joined(separator: ", ") + ").")
        }
        let isURL = signature.source.hasPrefix("https://") || signature.source.hasPrefix("http://")
        // The operator's own command: any address, the private network's too.
        let data =
            try await isURL
            ? FeedDownload.fetch(signature.source, reach: .anywhere, app: app) : Self.read(signature.source)
        let console = context.console
        let label = signature.own ? "The organization's own meetings" : name
        let started = Date()
        let outcome = try await MeetingImport.run(
            data, source: name, kind: signature.own ? .own : .feed,
            url: isURL && !signature.own ? signature.source : "",
            organizationID: organization.id!, on: app.db
        ) { done, total in
            console.output(
                "\r" + ProgressBar.line(done: done, total: total, label: "meetings"), style: .plain,
                newLine: done == total)
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        switch outcome {
        case .unchanged(let meetings):
            console.print("\(label): unchanged since the last import (\(meetings) meetings), nothing rewritten.")
        case .imported(let result):
            console.print(
                "\(label): \(result.meetings.count) meetings imported, \(result.skipped.count) records left out, "
                    + "\(result.warnings.count) kept with a note (\(seconds) s).")
            for line in MeetingImport.report(result).split(separator: "\n").prefix(200) { console.print("  " + line) }
        case .failed(let report):
            throw CommandFailure("\(label): \(report)")
        }
    }

    static func read(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("Cannot read \(path).") }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: MeetingImport.maxBytes + 1)
        guard data.count <= MeetingImport.maxBytes else { throw CommandFailure("\(path) is larger than 20 MB.") }
        return data
    }
}
