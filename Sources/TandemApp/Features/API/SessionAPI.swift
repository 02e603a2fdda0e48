import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Session notes and appointments in the API, over the same services as the pages.
extension APIHandler {
    // MARK: Notes

    func listNotes(_ input: Operations.listNotes.Input) async throws -> Operations.listNotes.Output {
        try await api { req, actor in
            let notes = try await SessionNoteService(req, actor: actor).notes(
                of: try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .json(.init(items: notes.map(Self.noteSummary)))))
        }
    }

    func listNotesToReview(_ input: Operations.listNotesToReview.Input) async throws
        -> Operations.listNotesToReview.Output
    {
        try await api { req, actor in
            let notes = try await SessionNoteService(req, actor: actor).reviewQueue()
            return .ok(.init(body: .json(.init(items: notes.map(Self.noteSummary)))))
        }
    }

    func createNote(_ input: Operations.createNote.Input) async throws -> Operations.createNote.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let person = try Self.uuid(input.path.participantId, "participantId")
            let service = SessionNoteService(req, actor: actor)
            let note = try await service.create(Self.draft(body, person: person))
            return .created(.init(body: .json(Self.note(try await service.note(note.id!)))))
        }
    }

    func getNote(_ input: Operations.getNote.Input) async throws -> Operations.getNote.Output {
        try await api { req, actor in
            let detail = try await SessionNoteService(req, actor: actor).note(
                try Self.uuid(input.path.noteId, "noteId"))
            return .ok(.init(body: .json(Self.note(detail))))
        }
    }

    func updateNote(_ input: Operations.updateNote.Input) async throws -> Operations.updateNote.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.noteId, "noteId")
            let service = SessionNoteService(req, actor: actor)
            // The note keeps the people it is about; the body may add others to a group.
            let current = try await service.note(id)
            var draft = Self.draft(body, person: nil)
            draft.participantIDs =
                (current.participants + (body.participantIds ?? []).compactMap(UUID.init(uuidString:)))
                .map(\.uuidString)
            _ = try await service.update(id, draft)
            return .ok(.init(body: .json(Self.note(try await service.note(id)))))
        }
    }

    func signNote(_ input: Operations.signNote.Input) async throws -> Operations.signNote.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.noteId, "noteId")
            let service = SessionNoteService(req, actor: actor)
            _ = try await service.sign(id, typedName: body.typedName)
            return .ok(.init(body: .json(Self.note(try await service.note(id)))))
        }
    }

    func addNoteAddendum(_ input: Operations.addNoteAddendum.Input) async throws -> Operations.addNoteAddendum.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.noteId, "noteId")
            let service = SessionNoteService(req, actor: actor)
            _ = try await service.addAddendum(id, text: body.text, typedName: body.typedName)
            return .created(.init(body: .json(Self.note(try await service.note(id)))))
        }
    }

    func reviewNote(_ input: Operations.reviewNote.Input) async throws -> Operations.reviewNote.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.noteId, "noteId")
            let service = SessionNoteService(req, actor: actor)
            _ = try await service.decide(id, approve: body.decision == .approve, comment: body.comment ?? "")
            return .ok(.init(body: .json(Self.note(try await service.note(id)))))
        }
    }

    static func draft(_ body: Components.Schemas.NoteInput, person: UUID?) -> SessionNoteDraft {
        let others = (body.participantIds ?? []).map { $0.uppercased() }
        return SessionNoteDraft(
            date: body.date, start: body.start ?? "", end: body.end ?? "", durationMinutes: body.durationMinutes,
            mode: body.mode?.rawValue ?? "", place: body.place ?? "",
            participantIDs: (person.map { [$0.uuidString] } ?? []) + others, goals: body.goals ?? [],
            done: body.done ?? "", response: body.response ?? "", nextSteps: body.nextSteps ?? "")
    }

    static func noteSummary(_ note: SessionNote) -> Schemas.NoteSummary {
        .init(
            id: note.id!.uuidString, date: note.localDate, start: note.startTime, end: note.endTime,
            minutes: note.minutes, mode: note.mode, status: .init(rawValue: note.status.rawValue) ?? .draft,
            review: .init(rawValue: note.review.rawValue) ?? .not_required)
    }

    static func note(_ detail: SessionNoteService.Detail) -> Schemas.Note {
        let note = detail.note
        return .init(
            id: note.id!.uuidString, date: note.localDate, start: note.startTime, end: note.endTime,
            minutes: note.minutes, mode: note.mode, place: note.place,
            status: .init(rawValue: note.status.rawValue) ?? .draft,
            review: .init(rawValue: note.review.rawValue) ?? .not_required,
            participantIds: detail.participants.map(\.uuidString), groupSize: detail.groupSize,
            goals: note.goals.split(separator: "\n").map(String.init), done: note.done, response: note.response,
            nextSteps: note.nextSteps, signedName: note.signedName, signedAt: note.signedAt,
            reviewComment: detail.reviewComment,
            addenda: detail.addenda.map {
                .init(text: $0.text, signedName: $0.signedName, createdAt: $0.createdAt ?? Date())
            })
    }

    // MARK: Appointments

    func listAppointments(_ input: Operations.listAppointments.Input) async throws
        -> Operations.listAppointments.Output
    {
        try await api { req, actor in
            let list = try await AppointmentService(req, actor: actor).list(
                of: try Self.uuid(input.path.participantId, "participantId"))
            let names = try await AppointmentController.coachNames(list.upcoming + list.past, req: req)
            let staff = actor.role.isStaff
            return .ok(
                .init(
                    body: .json(
                        .init(
                            upcoming: list.upcoming.map { Self.appointment($0, names: names, staff: staff) },
                            past: list.past.map { Self.appointment($0, names: names, staff: staff) }))))
        }
    }

    func createAppointment(_ input: Operations.createAppointment.Input) async throws
        -> Operations.createAppointment.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let appointment = try await AppointmentService(req, actor: actor).create(
                try Self.uuid(input.path.participantId, "participantId"),
                AppointmentDraft(
                    date: body.date, start: body.start, end: body.end, mode: body.mode.rawValue,
                    place: body.place ?? "", videoLink: body.videoLink ?? ""))
            return .created(.init(body: .json(try await Self.appointment(appointment, req: req, actor: actor))))
        }
    }

    func getAppointment(_ input: Operations.getAppointment.Input) async throws -> Operations.getAppointment.Output {
        try await api { req, actor in
            let detail = try await AppointmentService(req, actor: actor).appointment(
                try Self.uuid(input.path.appointmentId, "appointmentId"))
            return .ok(.init(body: .json(try await Self.appointment(detail.appointment, req: req, actor: actor))))
        }
    }

    func rescheduleAppointment(_ input: Operations.rescheduleAppointment.Input) async throws
        -> Operations.rescheduleAppointment.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let appointment = try await AppointmentService(req, actor: actor).reschedule(
                try Self.uuid(input.path.appointmentId, "appointmentId"),
                AppointmentDraft(
                    date: body.date, start: body.start, end: body.end, mode: body.mode.rawValue,
                    place: body.place ?? "", videoLink: body.videoLink ?? ""), reason: body.reason)
            return .ok(.init(body: .json(try await Self.appointment(appointment, req: req, actor: actor))))
        }
    }

    func cancelAppointment(_ input: Operations.cancelAppointment.Input) async throws
        -> Operations.cancelAppointment.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let appointment = try await AppointmentService(req, actor: actor).cancel(
                try Self.uuid(input.path.appointmentId, "appointmentId"), reason: body.reason)
            return .ok(.init(body: .json(try await Self.appointment(appointment, req: req, actor: actor))))
        }
    }

    func recordAppointment(_ input: Operations.recordAppointment.Input) async throws
        -> Operations.recordAppointment.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let appointment = try await AppointmentService(req, actor: actor).record(
                try Self.uuid(input.path.appointmentId, "appointmentId"), attended: body.outcome == .attended)
            return .ok(.init(body: .json(try await Self.appointment(appointment, req: req, actor: actor))))
        }
    }

    func downloadAppointment(_ input: Operations.downloadAppointment.Input) async throws
        -> Operations.downloadAppointment.Output
    {
        try await api { req, actor in
            let text = try await AppointmentService(req, actor: actor).ics(
                try Self.uuid(input.path.appointmentId, "appointmentId"))
            return .ok(.init(body: .text_calendar(HTTPBody(text))))
        }
    }

    static func appointment(_ appointment: Appointment, req: Request, actor: Actor) async throws
        -> Schemas.Appointment
    {
        let names = try await AppointmentController.coachNames([appointment], req: req)
        return Self.appointment(appointment, names: names, staff: actor.role.isStaff)
    }

    static func appointment(_ appointment: Appointment, names: [UUID: String], staff: Bool) -> Schemas.Appointment {
        .init(
            id: appointment.id!.uuidString, participantId: appointment.participantID.uuidString,
            coachId: appointment.coachID.uuidString, coachName: names[appointment.coachID] ?? "",
            startsAt: appointment.startsAt, endsAt: appointment.endsAt, mode: appointment.mode,
            place: appointment.place, videoLink: appointment.videoLink,
            status: .init(rawValue: appointment.status.rawValue) ?? .scheduled,
            reason: staff ? appointment.reason : "", changes: appointment.changes)
    }
}
