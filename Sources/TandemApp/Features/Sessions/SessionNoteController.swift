import Fluent
import Foundation
import TandemKit
import Vapor

/// Session note pages: a person's notes, the form for a draft, one note with what may be
/// done next (sign, add to it, review), and the supervisor's review queue. The service checks
/// access and audits.
struct SessionNoteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let forPerson = routes.grouped("participants", ":participantID", "notes")
        forPerson.get(use: list)
        forPerson.get("new", use: newForm)
        forPerson.post(use: create)
        let notes = routes.grouped("notes")
        notes.get("review", use: reviewQueue)
        notes.get(":noteID", use: show)
        notes.get(":noteID", "edit", use: editForm)
        notes.post(":noteID", use: update)
        notes.post(":noteID", "sign", use: sign)
        notes.post(":noteID", "addenda", use: addAddendum)
        notes.post(":noteID", "review", use: review)
    }

    // MARK: Lists

    struct NoteRow: Encodable, Sendable {
        let id: String
        let date: String
        let isoDate: String
        let time: String
        let mode: String
        let minutes: String
        let state: String
        let isDraft: Bool
    }

    static func row(_ note: SessionNote, req: Request) -> NoteRow {
        NoteRow(
            id: note.id!.uuidString, date: req.calendarDate(note.localDate), isoDate: note.localDate,
            time: note.startTime.isEmpty ? "—" : note.startTime + "–" + note.endTime,
            mode: note.mode.isEmpty ? "—" : req.t("contact_mode_" + note.mode),
            minutes: note.minutes.map(String.init) ?? "—", state: state(note, req: req), isDraft: note.status == .draft)
    }

    static func state(_ note: SessionNote, req: Request) -> String {
        guard note.status == .signed else { return req.t("note_state_draft") }
        switch note.review {
        case .notRequired: return req.t("note_state_signed")
        case .pending: return req.t("note_state_pending")
        case .approved: return req.t("note_state_approved")
        case .returned: return req.t("note_state_returned")
        }
    }

    struct ListBody: Encodable, Sendable {
        let id: String
        let name: String
        let rows: [NoteRow]
        let canWrite: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let list = try await SessionNoteService(req, actor: actor).list(of: id)
        return try await req.page(
            "notes/list", titleKey: "notes_title",
            ListBody(
                id: id.uuidString, name: list.participant.preferredName,
                rows: list.notes.map { Self.row($0, req: req) }, canWrite: list.canWrite))
    }

    struct QueueRow: Encodable, Sendable {
        let note: NoteRow
        let coach: String
        let people: String
    }

    struct QueueBody: Encodable, Sendable {
        let rows: [QueueRow]
    }

    @Sendable func reviewQueue(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let service = SessionNoteService(req, actor: actor)
        let notes = try await service.reviewQueue()
        let names = try await service.queueNames(notes)
        let rows = notes.map { note in
            QueueRow(
                note: Self.row(note, req: req), coach: names.authors[note.authorID] ?? "—",
                people: names.people[note.id!]?.joined(separator: ", ") ?? "—")
        }
        return try await req.page("notes/review", titleKey: "notes_review_title", QueueBody(rows: rows))
    }

    // MARK: One note

    struct Person: Encodable, Sendable {
        let id: String
        let name: String
    }

    struct AddendumRow: Encodable, Sendable {
        let text: String
        let signed: String
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let row: NoteRow
        let people: [Person]
        let isGroup: Bool
        let place: String
        let goals: [String]
        let done: String
        let response: String
        let nextSteps: String
        let signature: String?
        let reviewComment: String
        let addenda: [AddendumRow]
        /// Its author may change and sign it (a draft).
        let canEdit: Bool
        let canAdd: Bool
        let canReview: Bool
        let saved: Bool
        let signed: Bool
        let added: Bool
        let reviewed: Bool
    }

    struct ShowQuery: Content {
        var saved: String?
        var signed: String?
        var added: String?
        var reviewed: String?
    }

    private func showPage(
        _ id: UUID, actor: Actor, req: Request, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let service = SessionNoteService(req, actor: actor)
        let detail = try await service.note(id)
        let note = detail.note
        let allowed = service.allowed(note)
        let names = try await TenantScope(actor: actor, db: req.db).participants()
            .filter(\.$id ~~ detail.participants).all()
        let flags = (try? req.query.decode(ShowQuery.self)) ?? ShowQuery()
        let signature = note.signedAt.map {
            req.t(
                "note_signed_by",
                ["name": note.signedName ?? "", "time": req.dateTime($0, organization: actor.organization)])
        }
        return try await req.page(
            "notes/show", titleKey: "note_title",
            ShowBody(
                id: id.uuidString, row: Self.row(note, req: req),
                people: names.sorted { $0.sortName < $1.sortName }.map {
                    Person(id: $0.id!.uuidString, name: $0.preferredName)
                }, isGroup: detail.groupSize > 1, place: note.place,
                goals: note.goals.split(separator: "\n").map(String.init), done: note.done,
                response: note.response, nextSteps: note.nextSteps, signature: signature,
                reviewComment: detail.reviewComment,
                addenda: detail.addenda.map {
                    AddendumRow(
                        text: $0.text,
                        signed: req.t(
                            "note_addendum_signed_by",
                            [
                                "name": $0.signedName,
                                "time": $0.createdAt.map { req.dateTime($0, organization: actor.organization) } ?? "",
                            ]))
                },
                canEdit: allowed.edit, canAdd: allowed.add, canReview: allowed.review,
                saved: flags.saved != nil, signed: flags.signed != nil, added: flags.added != nil,
                reviewed: flags.reviewed != nil), errors: errors, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        return try await showPage(try req.id("noteID"), actor: actor, req: req)
    }

    struct SignForm: Content {
        var typed_name: String?
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let form = (try? req.content.decode(SignForm.self)) ?? SignForm()
        let service = SessionNoteService(req, actor: actor)
        do {
            _ = try await service.sign(id, typedName: form.typed_name ?? "")
            return .redirect("/notes/\(id.uuidString)?signed=1")
        } catch ServiceError.invalid(let problems) where problems.allSatisfy({ $0.field == "typed_name" }) {
            return try await showPage(
                id, actor: actor, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        } catch ServiceError.invalid(let problems) {
            // The draft itself is not complete: the form shows what to add, at each field.
            let detail = try await service.note(id)
            guard let first = detail.participants.first else { throw ServiceError.notFound }
            return try await formPage(
                detail.note.draft(participants: detail.participants), personID: first, note: id, actor: actor,
                req: req,
                errors: [FieldError(field: "note-form", message: req.t("note_sign_incomplete"))]
                    + req.fieldErrors(problems))
        }
    }

    struct AddendumForm: Content {
        var text: String?
        var typed_name: String?
    }

    @Sendable func addAddendum(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let form = (try? req.content.decode(AddendumForm.self)) ?? AddendumForm()
        do {
            _ = try await SessionNoteService(req, actor: actor).addAddendum(
                id, text: form.text ?? "", typedName: form.typed_name ?? "")
            return .redirect("/notes/\(id.uuidString)?added=1")
        } catch ServiceError.invalid(let problems) {
            // The signature field of this form has its own id on a page that may show two.
            let fields = problems.map { ($0.field == "typed_name" ? "addendum_typed_name" : $0.field, $0.key) }
            return try await showPage(
                id, actor: actor, req: req, errors: req.fieldErrors(fields), status: .unprocessableEntity)
        }
    }

    struct ReviewForm: Content {
        var decision: String?
        var comment: String?
    }

    @Sendable func review(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let form = (try? req.content.decode(ReviewForm.self)) ?? ReviewForm()
        guard let decision = form.decision, ["approve", "return"].contains(decision) else {
            return try await showPage(
                id, actor: actor, req: req, errors: [FieldError(field: "decision", message: req.t("error_choose_one"))],
                status: .unprocessableEntity)
        }
        do {
            _ = try await SessionNoteService(req, actor: actor).decide(
                id, approve: decision == "approve", comment: form.comment ?? "")
            return .redirect("/notes/\(id.uuidString)?reviewed=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                id, actor: actor, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
