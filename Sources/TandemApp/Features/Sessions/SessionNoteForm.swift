import Fluent
import Foundation
import TandemKit
import Vapor

/// The session note form: a new draft from a person's record, and changing a draft.
extension SessionNoteController {
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

    /// The form for a new draft about `personID` (no `note`) or for changing `note`, with the
    /// errors of what was sent; the person must be one the actor may write about.
    func formPage(
        _ draft: SessionNoteDraft, personID: UUID, note: UUID?, actor: Actor, req: Request, errors: [FieldError] = []
    ) async throws -> Response {
        let (person, _) = try await ParticipantService(req, actor: actor).authorized(personID, .writeNotes)
        let action = note.map { "/notes/\($0.uuidString)" } ?? "/participants/\(personID.uuidString)/notes"
        return try await req.page(
            "notes/form", titleKey: note == nil ? "note_new_title" : "note_edit_title",
            try await formBody(draft, person: person, action: action, isNew: note == nil, actor: actor, req: req),
            errors: errors, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let today = ParticipantService.today(in: actor.organization).description
        var draft = SessionNoteDraft(date: today, participantIDs: [id.uuidString])
        // From an appointment ("write the session note" after the call): its day, times and way
        // of meeting, read through the same access check as the appointment's page.
        if let appointmentID = req.query[String.self, at: "appointment"].flatMap(UUID.init(uuidString:)),
            try await Appointment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == appointmentID).filter(\.$participantID == id).first() != nil
        {
            let detail = try await AppointmentService(req, actor: actor).appointment(appointmentID)
            let zone = TimeZone(identifier: actor.organization.timeZone) ?? .gmt
            let start = AppointmentController.local(detail.appointment.startsAt, zone)
            let end = AppointmentController.local(detail.appointment.endsAt, zone)
            draft.date = start.day.description
            draft.start = start.time.description
            draft.end = end.time.description
            draft.mode = detail.appointment.mode
            draft.place = detail.appointment.place
        }
        return try await formPage(draft, personID: id, note: nil, actor: actor, req: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let draft = ((try? req.content.decode(NoteForm.self)) ?? NoteForm()).draft(person: id)
        do {
            let note = try await SessionNoteService(req, actor: actor).create(draft)
            return .redirect("/notes/\(note.id!.uuidString)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await formPage(
                draft, personID: id, note: nil, actor: actor, req: req, errors: req.fieldErrors(problems))
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("noteID")
        let service = SessionNoteService(req, actor: actor)
        let detail = try await service.note(id)
        guard service.allowed(detail.note).edit, let first = detail.participants.first else {
            return .redirect("/notes/\(id.uuidString)")
        }
        return try await formPage(
            detail.note.draft(participants: detail.participants), personID: first, note: id, actor: actor, req: req)
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
            return try await formPage(
                draft, personID: first, note: id, actor: actor, req: req, errors: req.fieldErrors(problems))
        }
    }
}
