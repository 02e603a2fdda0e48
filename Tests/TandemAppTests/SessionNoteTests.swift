import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Session notes")
struct SessionNoteServiceTests {
    /// The service as `account` (with `role`) would use it in a request.
    static func service(_ app: Application, _ account: Account, _ role: Role) -> SessionNoteService {
        let req = Request(application: app, on: app.eventLoopGroup.any())
        return SessionNoteService(req, actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    static func draft(_ participants: [Participant], date: String = "2026-11-02") -> SessionNoteDraft {
        SessionNoteDraft(
            date: date, start: "10:00", end: "10:40", mode: "in_person", place: "Community center",
            participantIDs: participants.map { $0.id!.uuidString }, goals: ["Steady work"],
            done: "Practised a job interview, to build confidence.", response: "Relaxed by the end.",
            nextSteps: "Send two applications.")
    }

    static let now = ISO8601DateFormatter().date(from: "2026-11-03T15:00:00Z")!

    @Test("a coach drafts, signs and adds to a note; signed notes are locked; the person reads signed notes only")
    func draftSignAddendum() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            let notes = Self.service(app, coach, .coach)
            var draft = Self.draft([person])
            draft.done = ""
            let note = try await notes.create(draft, now: Self.now)
            #expect(note.status == .draft && note.minutes == 40)
            // The person does not see drafts.
            let asPerson = Self.service(app, personAccount, .participant)
            #expect(try await asPerson.notes(of: person.id!).isEmpty)
            await #expect(throws: ServiceError.self) { try await asPerson.note(note.id!) }
            // Signing needs every part of a billable note.
            do {
                _ = try await notes.sign(note.id!, typedName: "Casey Coach", now: Self.now)
                Issue.record("signed an incomplete note")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.field) == ["done"])
            }
            _ = try await notes.update(note.id!, Self.draft([person]), now: Self.now)
            let signed = try await notes.sign(note.id!, typedName: "Casey Coach", now: Self.now)
            #expect(signed.status == .signed && signed.signedName == "Casey Coach" && signed.review == .notRequired)
            // Locked: changes are addenda.
            await #expect(throws: ServiceError.self) {
                try await notes.update(note.id!, Self.draft([person]), now: Self.now)
            }
            let addendum = try await notes.addAddendum(
                note.id!, text: "Called the next day: one application sent.", typedName: "Casey Coach", now: Self.now)
            #expect(addendum.signedName == "Casey Coach")
            let seen = try await asPerson.notes(of: person.id!)
            #expect(seen.map(\.id) == [note.id])
            #expect(
                try await asPerson.note(note.id!).addenda.map(\.text) == ["Called the next day: one application sent."])
            // Another coach may neither read nor write about someone they do not coach.
            let stranger = Self.service(app, other, .coach)
            await #expect(throws: ServiceError.self) { try await stranger.notes(of: person.id!) }
            await #expect(throws: ServiceError.self) { try await stranger.create(Self.draft([person]), now: Self.now) }
            await #expect(throws: ServiceError.self) {
                try await stranger.addAddendum(note.id!, text: "x", typedName: "Other Coach", now: Self.now)
            }
            // Every step is in the person's trail.
            let actions = try await AuditEvent.query(on: app.db).filter(\.$participantID == person.id!).all(\.$action)
            for action in ["session_note.create", "session_note.update", "session_note.sign", "session_note.addendum"] {
                #expect(actions.contains(action), "\(action)")
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() >= 2)
        }
    }

    @Test("a group note is about each person, and only people the coach coaches")
    func group() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let (first, _) = try await app.makeParticipant("Ana", in: admin.organization, coach: coach.user)
            let (second, _) = try await app.makeParticipant("Ben", in: admin.organization, coach: coach.user)
            let (elsewhere, _) = try await app.makeParticipant("Cy", in: admin.organization, coach: other.user)
            let notes = Self.service(app, coach, .coach)
            let note = try await notes.create(Self.draft([first, second]), now: Self.now)
            #expect(try await notes.notes(of: first.id!).map(\.id) == [note.id])
            #expect(try await notes.notes(of: second.id!).map(\.id) == [note.id])
            #expect(try await notes.note(note.id!).participants.count == 2)
            await #expect(throws: ServiceError.self) {
                try await notes.create(Self.draft([first, elsewhere]), now: Self.now)
            }
            #expect(try await SessionNote.query(on: app.db).count() == 1)
            // Bad input changes nothing.
            var bad = Self.draft([first])
            bad.participantIDs.append("not-an-id")
            await #expect(throws: ServiceError.self) { try await notes.create(bad, now: Self.now) }
            bad = Self.draft([first], date: "2026-12-25")
            await #expect(throws: ServiceError.self) { try await notes.create(bad, now: Self.now) }
            #expect(try await SessionNote.query(on: app.db).count() == 1)
        }
    }

    @Test("where notes are reviewed, a supervisor approves or returns them; an addendum answers a return")
    func review() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            admin.organization.notesNeedReview = true
            try await admin.organization.save(on: app.db)
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "lead@example.org")
            let (person, _) = try await app.makeParticipant("Dee", in: admin.organization, coach: coach.user)
            let notes = Self.service(app, coach, .coach)
            let lead = Self.service(app, supervisor, .supervisor)
            let draft = try await notes.create(Self.draft([person]), now: Self.now)
            #expect(try await lead.reviewQueue().isEmpty)
            await #expect(throws: ServiceError.self) { try await lead.decide(draft.id!, approve: true, comment: "") }
            let note = try await notes.sign(draft.id!, typedName: "Casey Coach", now: Self.now)
            #expect(note.review == .pending)
            #expect(try await lead.reviewQueue().map(\.id) == [note.id])
            // Coaches do not review; a return needs a comment.
            await #expect(throws: ServiceError.self) { try await notes.decide(note.id!, approve: true, comment: "") }
            await #expect(throws: ServiceError.self) { try await lead.decide(note.id!, approve: false, comment: " ") }
            let returned = try await lead.decide(note.id!, approve: false, comment: "Add where you met.")
            #expect(returned.review == .returned && returned.reviewComment == "Add where you met.")
            #expect(try await lead.reviewQueue().isEmpty)
            _ = try await notes.addAddendum(
                note.id!, text: "We met at the community center.", typedName: "Casey Coach", now: Self.now)
            #expect(try await lead.reviewQueue().map(\.id) == [note.id])
            let approved = try await lead.decide(note.id!, approve: true, comment: "")
            #expect(approved.review == .approved && approved.reviewedBy == supervisor.user.id)
            #expect(approved.review.allowsBilling)
            await #expect(throws: ServiceError.self) { try await lead.decide(note.id!, approve: false, comment: "x") }
        }
    }
}
