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
        let service = SessionNoteService(req, actor: actor)
        let notes = try await service.notes(of: id)
        let (participant, relation) =
            try await service.scope.participantAndRelation(id)
            ?? {
                throw ServiceError.notFound
            }()
        return try await req.page(
            "notes/list", titleKey: "notes_title",
            ListBody(
                id: id.uuidString, name: participant.preferredName, rows: notes.map { Self.row($0, req: req) },
                canWrite: ParticipantAccess.can(actor.role, .writeNotes, relation)))
    }

    struct QueueBody: Encodable, Sendable {
        let rows: [NoteRow]
    }

    @Sendable func reviewQueue(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let notes = try await SessionNoteService(req, actor: actor).reviewQueue()
        return try await req.page(
            "notes/review", titleKey: "notes_review_title", QueueBody(rows: notes.map { Self.row($0, req: req) }))
    }

    // MARK: The form

    /// The form as sent. `participants[]` are the others present in a group session.
    struct NoteForm: Content {
        var date: String?
        var start: String?
        var end: String?
        var duration: String?
        var mode: String?
        var place: String?
        var participants: [String]?
        var goals: String?
        var done: String?
        var response: String?
        var next_steps: String?
        /// The person the form was opened for (a group note's others are in `participants`).
        var person: String?

        func draft(person: UUID) -> SessionNoteDraft {
            SessionNoteDraft(
                date: date ?? "", start: start ?? "", end: end ?? "",
                durationMinutes: FormNumber.parse(duration), mode: mode ?? "",
                place: place ?? "", participantIDs: [person.uuidString] + (participants ?? []),
                goals: (goals ?? "").split(whereSeparator: \.isNewline).map(String.init), done: done ?? "",
                response: response ?? "", nextSteps: next_steps ?? "")
        }
    }

    struct FormBody: Encodable, Sendable {
        let action: String
        let personID: String
        let name: String
        let date: String
        let start: String
        let end: String
        let duration: String
        let modes: [CheckOption]
        let place: String
        let others: [CheckOption]
        let hasOthers: Bool
        let goals: String
        let done: String
        let response: String
        let nextSteps: String
        let isNew: Bool
    }

    private func formBody(
        _ draft: SessionNoteDraft, person: Participant, action: String, isNew: Bool, actor: Actor, req: Request
    ) async throws -> FormBody {
        // The others a group session may include: the coach's own open caseload, and whoever
        // the draft already names (so saving it again never drops anyone unasked).
        let scope = TenantScope(actor: actor, db: req.db)
        let (rows, _) = try await scope.caseloadPage(
            coach: actor.userID, statuses: EngagementStatus.allCases.filter(\.isOpen), service: nil, offset: 0,
            limit: 200, withCoaches: false, now: Date())
        var names = rows.map { (id: $0.participantID, name: $0.participantName) }
        let named = Set(names.map(\.id))
        let missing = draft.participantIDs.compactMap(UUID.init(uuidString:)).filter { !named.contains($0) }
        if !missing.isEmpty {
            names += try await scope.participants().filter(\.$id ~~ missing).all().map { ($0.id!, $0.preferredName) }
        }
        var seen = Set([person.id!])
        let others = names.filter { seen.insert($0.id).inserted }.map {
            CheckOption(
                value: $0.id.uuidString, label: $0.name, checked: draft.participantIDs.contains($0.id.uuidString))
        }
        return FormBody(
            action: action, personID: person.id!.uuidString, name: person.preferredName, date: draft.date,
            start: draft.start, end: draft.end, duration: draft.durationMinutes.map(String.init) ?? "",
            modes: ContactMode.allCases.map {
                CheckOption(
                    value: $0.rawValue, label: req.t("contact_mode_" + $0.rawValue), checked: draft.mode == $0.rawValue)
            }, place: draft.place, others: others, hasOthers: !others.isEmpty,
            goals: draft.goals.joined(separator: "\n"),
            done: draft.done, response: draft.response, nextSteps: draft.nextSteps, isNew: isNew)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let (person, _) = try await ParticipantService(req, actor: actor).authorized(id, .writeNotes)
        let today = ParticipantService.today(in: actor.organization).description
        return try await req.page(
            "notes/form", titleKey: "note_new_title",
            try await formBody(
                SessionNoteDraft(date: today, participantIDs: [id.uuidString]), person: person,
                action: "/participants/\(id.uuidString)/notes", isNew: true, actor: actor, req: req))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let draft = ((try? req.content.decode(NoteForm.self)) ?? NoteForm()).draft(person: id)
        do {
            let note = try await SessionNoteService(req, actor: actor).create(draft)
            return .redirect("/notes/\(note.id!.uuidString)?saved=1")
        } catch ServiceError.invalid(let problems) {
            let (person, _) = try await ParticipantService(req, actor: actor).authorized(id, .writeNotes)
            let errors = req.fieldErrors(problems)
            return try await req.page(
                "notes/form", titleKey: "note_new_title",
                try await formBody(
                    draft, person: person, action: "/participants/\(id.uuidString)/notes", isNew: true, actor: actor,
                    req: req), errors: errors, status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let detail = try await SessionNoteService(req, actor: actor).note(id)
        guard detail.note.status == .draft, detail.note.authorID == actor.userID, let first = detail.participants.first
        else { return .redirect("/notes/\(id.uuidString)") }
        let (person, _) = try await ParticipantService(req, actor: actor).authorized(first, .writeNotes)
        return try await req.page(
            "notes/form", titleKey: "note_edit_title",
            try await formBody(
                detail.note.draft(participants: detail.participants), person: person,
                action: "/notes/\(id.uuidString)", isNew: false, actor: actor, req: req))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let service = SessionNoteService(req, actor: actor)
        let detail = try await service.note(id)
        let form = (try? req.content.decode(NoteForm.self)) ?? NoteForm()
        guard
            let first = form.person.flatMap(UUID.init(uuidString:)).flatMap({
                detail.participants.contains($0) ? $0 : nil
            })
                ?? detail.participants.first
        else { throw ServiceError.notFound }
        let draft = form.draft(person: first)
        do {
            _ = try await service.update(id, draft)
            return .redirect("/notes/\(id.uuidString)?saved=1")
        } catch ServiceError.invalid(let problems) {
            let (person, _) = try await ParticipantService(req, actor: actor).authorized(first, .writeNotes)
            return try await req.page(
                "notes/form", titleKey: "note_edit_title",
                try await formBody(
                    draft, person: person, action: "/notes/\(id.uuidString)", isNew: false, actor: actor, req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
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
        let canEdit: Bool
        let canSign: Bool
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
        let detail = try await SessionNoteService(req, actor: actor).note(id)
        let note = detail.note
        let names = try await TenantScope(actor: actor, db: req.db).participants()
            .filter(\.$id ~~ detail.participants).all()
        let flags = (try? req.query.decode(ShowQuery.self)) ?? ShowQuery()
        let isAuthor = note.authorID == actor.userID
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
                // The supervisor's word is for the coach, not part of the person's record.
                reviewComment: actor.role.isStaff ? note.reviewComment : "",
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
                canEdit: isAuthor && note.status == .draft, canSign: isAuthor && note.status == .draft,
                canAdd: isAuthor && note.status == .signed,
                canReview: AccessPolicy.can(actor.role, .reviewNotes) && note.status == .signed
                    && note.review == .pending && !isAuthor,
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
            let (person, _) = try await ParticipantService(req, actor: actor).authorized(first, .writeNotes)
            let errors =
                [FieldError(field: "note-form", message: req.t("note_sign_incomplete"))]
                + req.fieldErrors(problems)
            return try await req.page(
                "notes/form", titleKey: "note_edit_title",
                try await formBody(
                    detail.note.draft(participants: detail.participants), person: person,
                    action: "/notes/\(id.uuidString)", isNew: false, actor: actor, req: req),
                errors: errors, status: .unprocessableEntity)
        }
    }

    /// Makes a change to the note and goes back to it with `flag` in the address, or shows
    /// it again with the errors of the form that was sent.
    private func change(_ id: UUID, actor: Actor, req: Request, flag: String, _ body: () async throws -> Void)
        async throws -> Response
    {
        do {
            try await body()
            return .redirect("/notes/\(id.uuidString)?\(flag)=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                id, actor: actor, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
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
        return try await change(id, actor: actor, req: req, flag: "reviewed") {
            _ = try await SessionNoteService(req, actor: actor).decide(
                id, approve: decision == "approve", comment: form.comment ?? "")
        }
    }
}
