import Fluent
import Foundation
import TandemKit
import Vapor

/// Admin pages of online programs: the list, writing one, and its enrollments with their
/// payments and requests for a coach.
struct ProgramAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin", "programs")
        admin.get(use: list)
        admin.get("new", use: newForm)
        admin.post(use: create)
        admin.get(":programID", use: show)
        admin.get(":programID", "edit", use: editForm)
        admin.post(":programID", use: update)
        admin.post("enrollments", ":enrollmentID", "payment", use: payment)
        admin.post("enrollments", ":enrollmentID", "coach", use: coach)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let title: String
        let price: String
        let published: Bool
    }

    struct ListBody: Encodable, Sendable {
        let rows: [Row]
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let programs = try await ProgramAdminService(req, actor: signedIn.actor).list()
        return try await req.page(
            "admin/programs", titleKey: "programs_admin_title",
            ListBody(
                rows: programs.map {
                    Row(
                        id: $0.id!.uuidString, title: $0.title, price: ProgramController.price($0.priceCents, req: req),
                        published: $0.published)
                }))
    }

    struct FormBody: Encodable, Sendable {
        let action: String
        let isNew: Bool
        let v: [String: String]
        let published: Bool
    }

    struct ProgramForm: Content {
        var title: String?
        var summary: String?
        var description: String?
        var terms: String?
        var price: String?
        var published: String?

        var draft: ProgramDraft {
            ProgramDraft(
                title: title ?? "", summary: summary ?? "", description: description ?? "", terms: terms ?? "",
                price: price ?? "", published: published != nil)
        }
    }

    private func formPage(
        _ draft: ProgramDraft, id: UUID?, req: Request, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        try await req.page(
            "admin/program-form", titleKey: id == nil ? "program_new_title" : "program_edit_title",
            FormBody(
                action: "/admin/programs" + (id.map { "/" + $0.uuidString } ?? ""), isNew: id == nil,
                v: [
                    "title": draft.title, "summary": draft.summary, "description": draft.description,
                    "terms": draft.terms, "price": draft.price,
                ], published: draft.published),
            errors: errors, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        _ = try await req.authorize(.managePrograms)
        return try await formPage(ProgramDraft(terms: req.t("program_default_terms")), id: nil, req: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try await save(req: req, id: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try await save(req: req, id: try req.id("programID"))
    }

    private func save(req: Request, id: UUID?) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let form = (try? req.content.decode(ProgramForm.self)) ?? ProgramForm()
        do {
            let program = try await ProgramAdminService(req, actor: signedIn.actor).save(id, form.draft)
            return .redirect("/admin/programs/\(program.id!.uuidString)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await formPage(
                form.draft, id: id, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let id = try req.id("programID")
        let program = try await ProgramAdminService(req, actor: signedIn.actor).program(id)
        return try await formPage(program.draft, id: id, req: req)
    }

    struct EnrolledRow: Encodable, Sendable {
        let id: String
        let name: String
        let participantID: String
        let enrolled: String
        let payment: String
        let paymentKey: String
        let paymentNote: String
        let owes: Bool
        let coachRequested: Bool
        let coached: Bool
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let title: String
        let price: String
        let published: Bool
        let saved: Bool
        let rows: [EnrolledRow]
        let coaches: [SelectOption]
        let fundings: [SelectOption]
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let service = try ProgramAdminService(req, actor: signedIn.actor)
        let program = try await service.program(try req.id("programID"))
        let zone = TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt
        let rows = try await service.enrollments(of: program.id!).map { row in
            EnrolledRow(
                id: row.enrollment.id!.uuidString, name: row.name,
                participantID: row.enrollment.participantID.uuidString,
                enrolled: CalendarDate(row.enrollment.createdAt, in: zone).written(req.messages),
                payment: req.t("program_payment_" + row.enrollment.payment.rawValue),
                paymentKey: row.enrollment.payment.rawValue, paymentNote: row.enrollment.paymentNote,
                owes: row.enrollment.payment == .due, coachRequested: row.enrollment.coachRequestedAt != nil,
                coached: row.enrollment.engagementID != nil)
        }
        let staff = try await EngagementService(req, actor: signedIn.actor).staff()
        return try await req.page(
            "admin/program", titleKey: "programs_admin_title",
            ShowBody(
                id: program.id!.uuidString, title: program.title,
                price: ProgramController.price(program.priceCents, req: req), published: program.published,
                saved: req.query[String.self, at: "saved"] != nil, rows: rows,
                coaches: [SelectOption(value: "", label: req.t("choose_one"), selected: true)]
                    + staff.map { SelectOption(value: $0.id.uuidString, label: $0.name, selected: false) },
                fundings: req.options(Funding.self, prefix: "funding_", selected: nil, blank: true)))
    }

    struct PaymentForm: Content {
        var payment: String?
        var payment_note: String?
    }

    @Sendable func payment(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let form = (try? req.content.decode(PaymentForm.self)) ?? PaymentForm()
        let enrollment = try await ProgramAdminService(req, actor: signedIn.actor).recordPayment(
            try req.id("enrollmentID"), as: form.payment ?? "", note: form.payment_note ?? "")
        return .redirect("/admin/programs/\(enrollment.programID.uuidString)?saved=1")
    }

    struct CoachForm: Content {
        var coach_id: String?
        var funding: String?
    }

    @Sendable func coach(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.managePrograms)
        let form = (try? req.content.decode(CoachForm.self)) ?? CoachForm()
        let id = try req.id("enrollmentID")
        let service = try ProgramAdminService(req, actor: signedIn.actor)
        _ = try await service.assignCoach(id, coachID: form.coach_id ?? "", funding: form.funding ?? "")
        let programID = try await ProgramEnrollment.find(id, on: req.db)?.programID
        return .redirect("/admin/programs/\(programID?.uuidString ?? "")?saved=1")
    }
}
