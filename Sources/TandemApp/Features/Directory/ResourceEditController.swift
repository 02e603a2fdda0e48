import Fluent
import Foundation
import TandemKit
import Vapor

/// Adding, changing and removing directory entries (staff), and the directory as a CSV file:
/// export (staff), import (admins and supervisors) with a report of each row left out.
struct ResourceEditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("resources", "new", use: newForm)
        routes.post("resources", use: create)
        routes.get("resources", ":resourceID", "edit", use: editForm)
        routes.post("resources", ":resourceID", use: update)
        routes.post("resources", ":resourceID", "delete", use: delete)
        routes.get("resources", "export.csv", use: export)
        routes.get("resources", "import", use: importForm)
        routes.post("resources", "import", use: importFile)
    }

    struct FormBody: Encodable, Sendable {
        let action: String
        let isNew: Bool
        let name: String
        let description: String
        let categories: [CheckOption]
        let address: String
        let latitude: String
        let longitude: String
        let phone: String
        let website: String
        let hours: String
        let languages: String
        let costs: [CheckOption]
        let eligibility: String
        let accessibility: String
        let lastVerified: String
        let today: String
    }

    struct ResourceForm: Content {
        var name: String?
        var description: String?
        var categories: [String]?
        var address: String?
        var latitude: String?
        var longitude: String?
        var phone: String?
        var website: String?
        var hours: String?
        var languages: String?
        var costs: [String]?
        var eligibility: String?
        var accessibility: String?
        var last_verified: String?

        var draft: ResourceDraft {
            ResourceDraft(
                name: name ?? "", description: description ?? "", categories: categories ?? [],
                address: address ?? "", latitude: latitude ?? "", longitude: longitude ?? "", phone: phone ?? "",
                website: website ?? "", hours: hours ?? "",
                languages: (languages ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" })
                    .map(String.init), costs: costs ?? [], eligibility: eligibility ?? "",
                accessibility: accessibility ?? "", lastVerified: last_verified ?? "")
        }
    }

    func formBody(action: String, isNew: Bool, _ draft: ResourceDraft, req: Request, signedIn: SignedIn) -> FormBody {
        FormBody(
            action: action, isNew: isNew, name: draft.name, description: draft.description,
            categories: ResourcePages.categoryChecks(draft.categories, req: req), address: draft.address,
            latitude: draft.latitude, longitude: draft.longitude, phone: draft.phone, website: draft.website,
            hours: draft.hours, languages: draft.languages.joined(separator: ", "),
            costs: ResourcePages.costChecks(draft.costs, req: req), eligibility: draft.eligibility,
            accessibility: draft.accessibility, lastVerified: draft.lastVerified,
            today: ParticipantService.today(in: signedIn.organization).description)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let today = ParticipantService.today(in: signedIn.organization).description
        return try await req.page(
            "resources/form", titleKey: "resources_new",
            formBody(
                action: "/resources", isNew: true, ResourceDraft(languages: ["en"], lastVerified: today), req: req,
                signedIn: signedIn))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let form = (try? req.content.decode(ResourceForm.self)) ?? ResourceForm()
        do {
            let resource = try await ResourceService(req: req, actor: signedIn.actor).save(nil, form.draft)
            return .redirect("/resources/\(resource.id!)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "resources/form", titleKey: "resources_new",
                formBody(action: "/resources", isNew: true, form.draft, req: req, signedIn: signedIn),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let id = try req.id("resourceID")
        let resource = try await ResourceService(req: req, actor: signedIn.actor).resource(id).resource
        return try await req.page(
            "resources/form", titleKey: "resources_edit",
            formBody(action: "/resources/\(id)", isNew: false, resource.draft, req: req, signedIn: signedIn))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let id = try req.id("resourceID")
        let form = (try? req.content.decode(ResourceForm.self)) ?? ResourceForm()
        do {
            _ = try await ResourceService(req: req, actor: signedIn.actor).save(id, form.draft)
            return .redirect("/resources/\(id)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "resources/form", titleKey: "resources_edit",
                formBody(action: "/resources/\(id)", isNew: false, form.draft, req: req, signedIn: signedIn),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        try await ResourceService(req: req, actor: signedIn.actor).delete(try req.id("resourceID"))
        return .redirect("/resources?removed=1")
    }

    @Sendable func export(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.manageResources)
        let text = try await ResourceService(req: req, actor: signedIn.actor).exportCSV()
        return .text(text, subType: "csv", filename: "resources.csv")
    }

    struct ImportBody: Encodable, Sendable {
        struct Rejected: Encodable, Sendable {
            let line: Int
            let problems: [String]
        }
        let done: Bool
        let added: Int
        let changed: Int
        let rejected: [Rejected]
        let ignored: String
        let summary: String
    }

    @Sendable func importForm(req: Request) async throws -> Response {
        _ = try await req.authorize(.importResources)
        return try await req.page(
            "resources/import", titleKey: "resources_import",
            ImportBody(done: false, added: 0, changed: 0, rejected: [], ignored: "", summary: ""))
    }

    struct ImportForm: Content {
        var file: File?
    }

    @Sendable func importFile(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.importResources)
        let form = (try? req.content.decode(ImportForm.self)) ?? ImportForm()
        let text = form.file.map { String(buffer: $0.data) } ?? ""
        do {
            let report = try await ResourceService(req: req, actor: signedIn.actor).importCSV(text)
            let body = ImportBody(
                done: true, added: report.added, changed: report.changed,
                rejected: report.rejected.map { line, problems in
                    ImportBody.Rejected(
                        line: line,
                        problems: problems.map { ($0.field == "costs" ? "cost" : $0.field) + ": " + req.t($0.key) })
                }, ignored: report.ignoredColumns.joined(separator: ", "),
                summary: req.t(
                    "resources_import_summary",
                    [
                        "added": String(report.added), "changed": String(report.changed),
                        "rejected": String(report.rejected.count),
                    ]))
            return try await req.page("resources/import", titleKey: "resources_import", body)
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "resources/import", titleKey: "resources_import",
                ImportBody(done: false, added: 0, changed: 0, rejected: [], ignored: "", summary: ""),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
