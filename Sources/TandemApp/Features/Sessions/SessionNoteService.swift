import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Session notes: a coach writes a draft about a contact with one or more of their people,
/// signs it (after which it only grows by signed addenda), and where the organization asks
/// for it a supervisor approves it or sends it back. Reading or changing a note checks
/// `ParticipantAccess` for each person it is about and is audited for each of them; the
/// review queue is for supervisors and admins by role. Signing, editing and deciding claim the
/// note in its expected state first, so two of them at once cannot both succeed.
struct SessionNoteService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    /// A note with the people it is about (as far as the reader may know them) and its
    /// addenda, oldest first.
    struct Detail: Sendable {
        let note: SessionNote
        let participants: [UUID]
        /// How many people the note is about: a group session's other members are not named
        /// to a participant reading their own note.
        let groupSize: Int
        let addenda: [SessionNoteAddendum]
        /// The supervisor's comment as the reader may see it: it is for the staff, not part of
        /// the person's own record.
        let reviewComment: String
    }

    /// Keeps a new draft. Each person must be one the actor may write notes about.
    func create(_ draft: SessionNoteDraft, now: Date = Date()) async throws -> SessionNote {
        let (draft, ids) = try await checked(draft, forSigning: false, now: now)
        let note = SessionNote(organizationID: actor.organizationID, authorID: actor.userID)
        note.apply(draft)
        let organizationID = actor.organizationID
        try await req.db.transaction { db in
            try await note.create(on: db)
            for id in ids {
                try await SessionNoteParticipant(organizationID: organizationID, noteID: note.id!, participantID: id)
                    .create(on: db)
            }
        }
        try await audit("session_note.create", note: note, participants: ids)
        return note
    }

    /// Changes a draft: its author only, and only before it is signed.
    func update(_ id: UUID, _ draft: SessionNoteDraft, now: Date = Date()) async throws -> SessionNote {
        let detail = try await authoredDraft(id)
        let (draft, ids) = try await checked(draft, forSigning: false, now: now)
        let organizationID = actor.organizationID
        let note = try await req.db.transaction { db in
            guard let note = try await claim(id, .draft, on: db) else {
                throw ServiceError.conflict("error_note_signed")
            }
            note.apply(draft)
            try await note.save(on: db)
            try await SessionNoteParticipant.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$note.$id == id).delete()
            for participant in ids {
                try await SessionNoteParticipant(organizationID: organizationID, noteID: id, participantID: participant)
                    .create(on: db)
            }
            return note
        }
        try await audit("session_note.update", note: note, participants: Array(Set(ids + detail.participants)))
        return note
    }

    /// Signs a draft with the author's typed full name: everything a billable note needs
    /// must be there. Where the organization reviews notes, it then waits for a supervisor.
    func sign(_ id: UUID, typedName: String, now: Date = Date()) async throws -> SessionNote {
        let detail = try await authoredDraft(id)
        let name = try ServiceError.typedSignature(typedName)
        let today = ParticipantService.day(now, in: actor.organization)
        let review: NoteReview = actor.organization.notesNeedReview ? .pending : .notRequired
        let note = try await req.db.transaction { db in
            // What is signed is the draft as it is now, read after claiming it.
            guard let note = try await claim(id, .draft, on: db) else {
                throw ServiceError.conflict("error_note_signed")
            }
            let people = try await SessionNoteParticipant.query(on: db).filter(\.$note.$id == id).all(\.$participantID)
            let problems = note.draft(participants: people).problems(today: today, forSigning: true)
            guard problems.isEmpty else { throw ServiceError.invalid(problems) }
            note.status = .signed
            note.signedName = name
            note.signedAt = now
            note.review = review
            try await note.save(on: db)
            return note
        }
        try await audit("session_note.sign", note: note, participants: detail.participants)
        // The contact itself is the last contact with each person (when it ended, or now).
        let zone = TimeZone(identifier: actor.organization.timeZone) ?? .gmt
        let ended = CalendarDate(note.localDate).flatMap { day in
            TimeOfDay(note.endTime).flatMap { AppointmentDraft.instant(day, $0, in: zone) }
        }
        try await ContactLog.touch(
            detail.participants, organizationID: actor.organizationID, at: min(ended ?? now, now), on: req.db)
        return note
    }

    /// Adds signed words to a signed note: its author only. A note sent back by its
    /// supervisor goes back for review.
    func addAddendum(_ id: UUID, text: String, typedName: String, now: Date = Date()) async throws
        -> SessionNoteAddendum
    {
        let detail = try await detail(id, .writeNotes)
        guard detail.note.authorID == actor.userID else { throw ServiceError.denied }
        guard detail.note.status == .signed else { throw ServiceError.conflict("error_note_not_signed") }
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems = SessionNoteDraft.addendumProblems(text)
        let name: String
        do {
            name = try ServiceError.typedSignature(typedName)
        } catch ServiceError.invalid(let more) {
            problems += more
            name = ""
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let addendum = SessionNoteAddendum(
            organizationID: actor.organizationID, noteID: id, authorID: actor.userID, text: text, signedName: name)
        let note = detail.note
        try await req.db.transaction { db in
            try await addendum.create(on: db)
            let next = note.review.afterAddendum
            if next != note.review {
                note.review = next
                try await note.save(on: db)
            }
        }
        try await audit("session_note.addendum", note: note, participants: detail.participants)
        return addendum
    }

    /// A supervisor's (or admin's) decision on a note waiting for review. Sending it back
    /// needs a comment saying what to add.
    func decide(_ id: UUID, approve: Bool, comment: String, now: Date = Date()) async throws -> SessionNote {
        guard AccessPolicy.can(actor.role, .reviewNotes) else {
            try await people.audit("session_note.review", outcome: .denied, participant: nil)
            throw ServiceError.denied
        }
        let detail = try await detail(id, .viewNotes)
        // Review is a second pair of eyes: nobody approves their own note.
        guard detail.note.authorID != actor.userID else { throw ServiceError.conflict("error_note_own") }
        let comment = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard detail.note.review.deciding(approve: approve) != nil else {
            throw ServiceError.conflict("error_note_not_pending")
        }
        if !approve && comment.isEmpty { throw ServiceError.invalid([("comment", "error_note_comment_required")]) }
        if comment.unicodeScalars.count > SessionNoteDraft.textLimit {
            throw ServiceError.invalid([("comment", "error_text_too_long")])
        }
        let reviewer = actor.userID
        let note = try await req.db.transaction { db in
            guard let note = try await claim(id, .pendingReview, on: db),
                let next = note.review.deciding(approve: approve)
            else { throw ServiceError.conflict("error_note_not_pending") }
            note.review = next
            note.reviewComment = comment
            note.reviewedBy = reviewer
            note.reviewedAt = now
            try await note.save(on: db)
            return note
        }
        try await audit(
            approve ? "session_note.approve" : "session_note.return", note: note, participants: detail.participants)
        return note
    }

    /// The notes about a participant, newest contact first; the person sees only signed ones.
    func notes(of participantID: UUID) async throws -> [SessionNote] {
        try await list(of: participantID).notes
    }

    /// A person's notes with what the page needs to know about them.
    struct List: Sendable {
        let participant: Participant
        /// Whether the actor may write a note about them.
        let canWrite: Bool
        let notes: [SessionNote]
    }

    func list(of participantID: UUID) async throws -> List {
        let (participant, relation) = try await people.authorized(participantID, .viewNotes)
        let ids = try await SessionNoteParticipant.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$participantID == participant.id!)
            .all(\.$note.$id)
        var notes: [SessionNote] = []
        if !ids.isEmpty {
            var query = notesQuery().filter(\.$id ~~ ids)
            if relation.isSelf && !relation.isTheirCoach { query = query.filter(\.$status == .signed) }
            notes = try await query.sort(\.$localDate, .descending).sort(\.$startTime, .descending).all()
        }
        try await people.audit("session_note.list", participant: participantID)
        return List(
            participant: participant, canWrite: ParticipantAccess.can(actor.role, .writeNotes, relation), notes: notes)
    }

    /// What the actor may do next with a note they can read: its author changes and signs a
    /// draft, or adds to a signed note; a supervisor or admin who did not write it decides a
    /// note waiting for review.
    struct Allowed: Sendable {
        let edit: Bool
        let add: Bool
        let review: Bool
    }

    func allowed(_ note: SessionNote) -> Allowed {
        let isAuthor = note.authorID == actor.userID
        return Allowed(
            edit: isAuthor && note.status == .draft, add: isAuthor && note.status == .signed,
            review: AccessPolicy.can(actor.role, .reviewNotes) && !isAuthor && note.status == .signed
                && note.review == .pending)
    }

    /// One note, for anyone who may see the notes of every person it is about. Audited.
    func note(_ id: UUID) async throws -> Detail {
        let detail = try await detail(id, .viewNotes)
        try await audit("session_note.view", note: detail.note, participants: detail.participants)
        return detail
    }

    /// Signed notes waiting for review in the organization, oldest contact first.
    func reviewQueue() async throws -> [SessionNote] {
        guard AccessPolicy.can(actor.role, .reviewNotes) else { throw ServiceError.denied }
        return try await notesQuery().filter(\.$status == .signed).filter(\.$review == .pending)
            .sort(\.$localDate).sort(\.$startTime).all()
    }

    /// Who wrote each note of the review queue and whom it is about, in two reads for the
    /// whole queue: a reviewer picks a note by coach and person, not by date alone.
    func queueNames(_ notes: [SessionNote]) async throws -> (authors: [UUID: String], people: [UUID: [String]]) {
        guard !notes.isEmpty else { return ([:], [:]) }
        let authors = try await User.query(on: req.db).filter(\.$id ~~ Set(notes.map(\.authorID))).all()
        let links = try await SessionNoteParticipant.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$note.$id ~~ notes.compactMap(\.id)).all()
        let names = try await scope.participants().filter(\.$id ~~ Set(links.map(\.participantID))).all()
        let nameByID = Dictionary(names.map { ($0.id!, $0.preferredName) }, uniquingKeysWith: { first, _ in first })
        var people: [UUID: [String]] = [:]
        for link in links {
            if let name = nameByID[link.participantID] { people[link.$note.id, default: []].append(name) }
        }
        return (
            Dictionary(authors.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { first, _ in first }),
            people.mapValues { $0.sorted() }
        )
    }

    /// The actor's own notes a reviewer sent back, waiting for their addendum, newest first.
    func returnedToMe() async throws -> [SessionNote] {
        try await notesQuery().filter(\.$authorID == actor.userID).filter(\.$review == .returned)
            .sort(\.$localDate, .descending).limit(100).all()
    }

    // MARK: - Pieces

    private func notesQuery() -> QueryBuilder<SessionNote> {
        SessionNote.query(on: req.db).filter(\.$organizationID == actor.organizationID)
    }

    /// The note with its people, after checking `action` for each person. A participant
    /// reads a note about them once it is signed, group or not, and learns only that others
    /// were there, not who.
    private func detail(_ id: UUID, _ action: ParticipantAction) async throws -> Detail {
        guard let note = try await notesQuery().filter(\.$id == id).first() else { throw ServiceError.notFound }
        var participants = try await SessionNoteParticipant.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$note.$id == id).sort(\.$id)
            .all(\.$participantID)
        // A note is always about someone; one that lost its people is as good as absent.
        guard !participants.isEmpty else { throw ServiceError.notFound }
        let groupSize = participants.count
        if actor.role.hasOwnRecord {
            let own = try await scope.participants().filter(\.$user.$id == actor.userID)
                .filter(\.$id ~~ participants).first()?.id
            // Someone else's note: refused (and audited) like any other record of theirs.
            participants = [own ?? participants.first].compactMap { $0 }
        }
        for participant in participants {
            let (_, relation) = try await people.authorized(participant, action)
            if relation.isSelf && !relation.isTheirCoach && note.status != .signed { throw ServiceError.notFound }
        }
        let addenda = try await SessionNoteAddendum.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$note.$id == id).sort(\.$createdAt).all()
        return Detail(
            note: note, participants: participants, groupSize: groupSize, addenda: addenda,
            reviewComment: actor.role.isStaff ? note.reviewComment : "")
    }

    enum ClaimedState {
        case draft, pendingReview
    }

    /// Inside a transaction: takes the note for this change if it is still in `state`, and
    /// reads it as it is then. A concurrent change of the same note waits for this one (the
    /// row is written) and then finds the state changed.
    private func claim(_ id: UUID, _ state: ClaimedState, on db: any Database) async throws -> SessionNote? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let condition: SQLQueryString =
            switch state {
            case .draft: "status = 'draft'"
            case .pendingReview: "status = 'signed' AND review = 'pending'"
            }
        let claimed = try await sql.raw(
            """
            UPDATE session_notes SET updated_at = \(bind: Date()) WHERE id = \(bind: id) \
            AND organization_id = \(bind: actor.organizationID) AND \(condition) RETURNING id
            """
        ).all()
        guard !claimed.isEmpty else { return nil }
        return try await SessionNote.query(on: db).filter(\.$id == id).first()
    }

    private func authoredDraft(_ id: UUID) async throws -> Detail {
        let detail = try await detail(id, .writeNotes)
        guard detail.note.authorID == actor.userID else { throw ServiceError.denied }
        guard detail.note.status == .draft else { throw ServiceError.conflict("error_note_signed") }
        return detail
    }

    /// The normalized draft and its people as ids, each one the actor may write about.
    private func checked(_ draft: SessionNoteDraft, forSigning: Bool, now: Date) async throws -> (
        SessionNoteDraft, [UUID]
    ) {
        let draft = draft.normalized()
        var problems = draft.problems(
            today: ParticipantService.day(now, in: actor.organization), forSigning: forSigning)
        let parsed = draft.participantIDs.compactMap(UUID.init(uuidString:))
        if parsed.count != draft.participantIDs.count && !problems.contains(where: { $0.field == "participants" }) {
            problems.append(("participants", "error_value_invalid"))
        }
        // Each person once, however their id was written.
        var seen = Set<UUID>()
        let ids = parsed.filter { seen.insert($0).inserted }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        for id in ids { _ = try await people.authorized(id, .writeNotes) }
        return (draft, ids)
    }

    private func audit(_ action: String, note: SessionNote, participants: [UUID]) async throws {
        try await req.audit(
            action, participants: participants, actor: actor.userID, organization: actor.organizationID,
            subjectType: "session_note", subject: { _ in note.id })
    }
}
