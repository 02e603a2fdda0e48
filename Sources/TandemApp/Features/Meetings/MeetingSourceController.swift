import Fluent
import Foundation
import TandemKit
import Vapor

/// The admins' page of meeting sources (`/admin/meetings`): each feed with its counts and last
/// report; add one by its address, or import it again now.
struct MeetingSourceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "meetings", use: list)
        routes.post("admin", "meetings", use: add)
        routes.post("admin", "meetings", ":sourceID", "refresh", use: refresh)
    }

    struct SourceRow: Encodable, Sendable {
        let id: String
        let name: String
        let url: String
        let meetings: Int
        let skipped: Int
        let importedAt: String
        let report: [String]
        let canRefresh: Bool
    }

    struct Body: Encodable, Sendable {
        let sources: [SourceRow]
        let name: String
        let url: String
        let notice: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        return try await page(req: req, signedIn: signedIn)
    }

    func page(
        req: Request, signedIn: SignedIn, name: String = "", url: String = "", notice: String? = nil,
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let sources = try await MeetingSource.query(on: req.db).filter(\.$organizationID == signedIn.organizationID)
            .sort(\.$name).all()
        return try await req.page(
            "admin/meetings", titleKey: "meeting_sources_title",
            Body(
                sources: sources.map { source in
                    SourceRow(
                        id: source.id!.uuidString, name: source.name, url: source.url, meetings: source.meetingCount,
                        skipped: source.skippedCount,
                        importedAt: source.importedAt.map { req.dateTime($0, organization: signedIn.organization) }
                            ?? req.t("meeting_sources_never"),
                        report: source.report.split(separator: "\n").prefix(50).map(String.init),
                        canRefresh: !source.url.isEmpty)
                }, name: name, url: url, notice: notice), errors: errors, status: status)
    }

    struct AddForm: Content {
        var name: String?
        var url: String?
    }

    @Sendable func add(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(AddForm.self)) ?? AddForm()
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        let url = (form.url ?? "").trimmingCharacters(in: .whitespaces)
        var problems: [(String, String?)] = []
        if name.isEmpty || name.count > 100 { problems.append(("name", "error_meeting_source_name")) }
        if !AppointmentDraft.isWebLink(url) { problems.append(("url", "error_meeting_source_url")) }
        if !problems.isEmpty {
            return try await page(
                req: req, signedIn: signedIn, name: name, url: url, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
        return try await importNow(req: req, signedIn: signedIn, name: name, url: url)
    }

    @Sendable func refresh(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        guard
            let source = try await MeetingSource.query(on: req.db).filter(\.$organizationID == signedIn.organizationID)
                .filter(\.$id == (try req.id("sourceID"))).first(), !source.url.isEmpty
        else { throw Abort(.notFound) }
        return try await importNow(req: req, signedIn: signedIn, name: source.name, url: source.url)
    }

    /// Fetches and imports; whatever happens, the page says what and keeps the last good meetings.
    func importNow(req: Request, signedIn: SignedIn, name: String, url: String) async throws -> Response {
        let notice: String
        do {
            let data = try await MeetingsCommand.download(url, app: req.application)
            switch try await MeetingImport.run(
                data, source: name, url: url, organizationID: signedIn.organizationID, on: req.db)
            {
            case .unchanged(let meetings):
                notice = req.t("meeting_sources_unchanged", ["name": name, "count": String(meetings)])
            case .imported(let result):
                notice = req.t(
                    "meeting_sources_imported",
                    ["name": name, "count": String(result.meetings.count), "skipped": String(result.skipped.count)])
            case .failed(let report):
                notice = name + ": " + report
            }
        } catch let failure as CommandFailure {
            notice = failure.description
        }
        try await req.audit(
            "meetings.import", actor: signedIn.userID, organization: signedIn.organizationID,
            subjectType: "organization", subject: signedIn.organizationID)
        return try await page(req: req, signedIn: signedIn, notice: notice)
    }
}
