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
        routes.post("admin", "meetings", ":sourceID", "schedule", use: schedule)
        routes.get("admin", "meetings", ":sourceID", "remove", use: removeForm)
        routes.post("admin", "meetings", ":sourceID", "remove", use: remove)
        routes.post("admin", "meetings", "public", use: publicFinder)
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
        let schedule: [SelectOption]
    }

    struct Body: Encodable, Sendable {
        let sources: [SourceRow]
        let name: String
        let url: String
        let notice: String?
        let publicFinder: Bool
        let publicURL: String
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        return try await page(req: req, signedIn: signedIn)
    }

    func page(
        req: Request, signedIn: SignedIn, name: String = "", url: String = "", notice: String? = nil,
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let sources = try await MeetingSourceService(req: req, actor: signedIn.actor).sources()
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
                        canRefresh: !source.url.isEmpty,
                        schedule: MeetingSource.refreshChoices.map {
                            SelectOption(
                                value: String($0), label: req.t("meeting_sources_every_\($0)"),
                                selected: source.refreshHours == $0)
                        })
                }, name: name, url: url, notice: notice,
                publicFinder: try await MeetingSettings.publicFinder(of: signedIn.organizationID, on: req.db),
                publicURL: req.absoluteURL("/organizations/\(signedIn.organizationID)/meetings")), errors: errors,
            status: status)
    }

    struct AddForm: Content {
        var name: String?
        var url: String?
    }

    @Sendable func add(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(AddForm.self)) ?? AddForm()
        return try await importNow(req: req, signedIn: signedIn, name: form.name ?? "", url: form.url ?? "")
    }

    @Sendable func refresh(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let source = try await MeetingSourceService(req: req, actor: signedIn.actor).source(try req.id("sourceID"))
        guard !source.url.isEmpty else { throw Abort(.notFound) }
        return try await importNow(req: req, signedIn: signedIn, name: source.name, url: source.url)
    }

    struct RemoveBody: Encodable, Sendable {
        let id: String
        let name: String
        let meetings: Int
    }

    /// Removing a source asks first, on a page of its own that names it and its meetings.
    @Sendable func removeForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let source = try await MeetingSourceService(req: req, actor: signedIn.actor).source(try req.id("sourceID"))
        guard source.kind == .feed else { throw Abort(.notFound) }
        return try await req.page(
            "admin/meeting-source-remove", titleKey: "meeting_sources_remove_title",
            RemoveBody(id: source.id!.uuidString, name: source.name, meetings: source.meetingCount))
    }

    @Sendable func remove(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let id = try req.id("sourceID")
        let service = MeetingSourceService(req: req, actor: signedIn.actor)
        let name = try await service.source(id).name
        try await service.remove(id)
        return try await page(req: req, signedIn: signedIn, notice: req.t("meeting_sources_removed", ["name": name]))
    }

    struct PublicForm: Content {
        var public_finder: String?
    }

    /// Turns the organization's public meeting finder on or off. Audited.
    @Sendable func publicFinder(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(PublicForm.self)) ?? PublicForm()
        try await MeetingSettings.setPublicFinder(form.public_finder != nil, of: signedIn.organizationID, db: req.db)
        try await req.audit(
            "meetings.public_finder", actor: signedIn.userID, organization: signedIn.organizationID,
            subjectType: "organization", subject: signedIn.organizationID)
        return try await page(req: req, signedIn: signedIn, notice: req.t("saved"))
    }

    struct ScheduleForm: Content {
        var refresh_hours: String?
    }

    @Sendable func schedule(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(ScheduleForm.self)) ?? ScheduleForm()
        let hours = form.refresh_hours.flatMap { Int($0) }
        do {
            try await MeetingSourceService(req: req, actor: signedIn.actor).schedule(
                try req.id("sourceID"), hours: hours ?? -1)
        } catch ServiceError.invalid(let problems) {
            return try await page(
                req: req, signedIn: signedIn, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
        return try await page(req: req, signedIn: signedIn, notice: req.t("saved"))
    }

    /// Fetches and imports; whatever happens, the page says what and keeps the last good meetings.
    func importNow(req: Request, signedIn: SignedIn, name: String, url: String) async throws -> Response {
        let outcome: MeetingImport.Outcome
        do {
            (outcome, _) = try await MeetingSourceService(req: req, actor: signedIn.actor).importFeed(
                name: name, url: url)
        } catch ServiceError.invalid(let problems) {
            return try await page(
                req: req, signedIn: signedIn, name: name, url: url, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
        let notice: String
        switch outcome {
        case .unchanged(let meetings):
            notice = req.t("meeting_sources_unchanged", ["name": name, "count": String(meetings)])
        case .imported(let result):
            notice = req.t(
                "meeting_sources_imported",
                ["name": name, "count": String(result.meetings.count), "skipped": String(result.skipped.count)])
        case .failed(let report):
            notice = name + ": " + report
        }
        return try await page(req: req, signedIn: signedIn, notice: notice)
    }
}
