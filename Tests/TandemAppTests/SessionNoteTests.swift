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
            let names = try await lead.queueNames(try await lead.reviewQueue())
            #expect(names.authors[coach.user.id!] == coach.user.displayName && names.people[note.id!] == ["Dee"])
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
            // Words added after approval go back for review.
            _ = try await notes.addAddendum(note.id!, text: "One more thing.", typedName: "Casey Coach", now: Self.now)
            #expect(try await SessionNote.find(note.id, on: app.db)?.review == .pending)
            // Nobody approves their own note: a supervisor who coaches someone writes, another reviews.
            let (own, _) = try await app.makeParticipant("Eve", in: admin.organization, coach: supervisor.user)
            let theirs = try await lead.create(Self.draft([own]), now: Self.now)
            _ = try await lead.sign(theirs.id!, typedName: "Lee Lead", now: Self.now)
            do {
                _ = try await lead.decide(theirs.id!, approve: true, comment: "")
                Issue.record("approved their own note")
            } catch ServiceError.conflict(let key) {
                #expect(key == "error_note_own")
            }
            #expect(try await SessionNote.find(theirs.id, on: app.db)?.review == .pending)
        }
    }

    @Test("deleting a person removes the notes about them alone; a group note stays with the others")
    func deletion() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (leaving, _) = try await app.makeParticipant("Fay", in: admin.organization, coach: coach.user)
            let (staying, _) = try await app.makeParticipant("Gus", in: admin.organization, coach: coach.user)
            let notes = Self.service(app, coach, .coach)
            let alone = try await notes.create(Self.draft([leaving]), now: Self.now)
            _ = try await notes.sign(alone.id!, typedName: "Casey Coach", now: Self.now)
            _ = try await notes.addAddendum(alone.id!, text: "x", typedName: "Casey Coach", now: Self.now)
            let group = try await notes.create(Self.draft([leaving, staying]), now: Self.now)
            let req = Request(application: app, on: app.eventLoopGroup.any())
            try await ParticipantService(
                req, actor: Actor(user: admin.user, organization: admin.organization, role: .admin)
            ).delete(leaving.id!)
            #expect(try await SessionNote.find(alone.id, on: app.db) == nil)
            #expect(try await SessionNoteAddendum.query(on: app.db).count() == 0)
            #expect(try await notes.note(group.id!).participants == [staying.id!])
        }
    }
}

@Suite("Session note pages")
struct SessionNotePageTests {
    @Test("a coach writes, signs and adds to a note through the pages; a supervisor reviews it; the person reads it")
    func pages() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            // The admin asks for review in the settings.
            let settings = TestBrowser(app)
            try await settings.signIn(admin)
            let saved = try await settings.post(
                "/admin/settings",
                [
                    "name": "Riverbend", "crisis_line": "988", "reassessment_interval_days": "90",
                    "notes_need_review": "on",
                ],
                tokenFrom: "/admin/settings")
            #expect(saved.status == .ok)
            #expect(try await Organization.query(on: app.db).first()?.notesNeedReview == true)
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let lead = try await app.addMember(.supervisor, to: admin.organization, email: "lead@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            let (friend, _) = try await app.makeParticipant("Tomas", in: admin.organization, coach: coach.user)
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let id = person.id!.uuidString
            #expect(try await browser.get("/participants/\(id)").body.string.contains("/participants/\(id)/notes"))
            let form = try await browser.get("/participants/\(id)/notes/new")
            #expect(form.status == .ok && form.body.string.contains("Tomas"))
            // Bad input: the form comes back with the errors and nothing is kept.
            let refused = try await browser.post(
                "/participants/\(id)/notes", pairs: [("date", "2099-01-01"), ("start", "9:00"), ("end", "10:00")],
                tokenFrom: "/participants/\(id)/notes/new")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("error-summary"))
            #expect(try await SessionNote.query(on: app.db).count() == 0)
            let kept = try await browser.post(
                "/participants/\(id)/notes",
                pairs: [
                    ("date", "2026-03-02"), ("start", "09:00"), ("end", "09:50"), ("mode", "off_site"),
                    ("place", "Riverside park"), ("participants[]", friend.id!.uuidString), ("goals", "Walk daily"),
                    ("done", "A walk, to plan the week."), ("response", "Calmer."), ("next_steps", "Walk on Friday."),
                ], tokenFrom: "/participants/\(id)/notes/new")
            #expect(kept.status == .seeOther)
            let location = try #require(kept.location)
            #expect(location.hasPrefix("/notes/") && location.hasSuffix("?saved=1"))
            let notePath = String(location.prefix { $0 != "?" })
            let page = try await browser.get(notePath).body.string
            #expect(page.contains("Riverside park") && page.contains("Tomas") && page.contains("sign-note"))
            let signed = try await browser.post(notePath + "/sign", ["typed_name": "Casey Coach"], tokenFrom: notePath)
            #expect(signed.status == .seeOther)
            let afterSigning = try await browser.get(notePath).body.string
            #expect(!afterSigning.contains("sign-note") && afterSigning.contains("add-to-note"))
            // The signed note cannot be changed through the form any more.
            _ = try await browser.post(
                notePath, pairs: [("date", "2026-03-02"), ("done", "Changed")], tokenFrom: notePath)
            #expect(try await SessionNote.query(on: app.db).first()?.done == "A walk, to plan the week.")
            // The supervisor sends it back, the coach answers with an addendum, the supervisor approves.
            let supervisor = TestBrowser(app)
            try await supervisor.signIn(lead)
            #expect(try await supervisor.get("/").body.string.contains("href=\"/notes/review\""))
            #expect(try await supervisor.get("/notes/review").body.string.contains(notePath))
            let noComment = try await supervisor.post(notePath + "/review", ["decision": "return"], tokenFrom: notePath)
            #expect(noComment.status == .unprocessableEntity)
            _ = try await supervisor.post(
                notePath + "/review", ["decision": "return", "comment": "Add how long the walk was."],
                tokenFrom: notePath)
            #expect(try await SessionNote.query(on: app.db).first()?.review == .returned)
            // The supervisor's comment is for the coach, not the person's record.
            let early = TestBrowser(app)
            try await early.signIn(personAccount)
            let returnedPage = try await early.get(notePath).body.string
            #expect(returnedPage.contains("A walk, to plan the week.") && !returnedPage.contains("how long the walk"))
            #expect(try await browser.get(notePath).body.string.contains("Add how long the walk was."))
            // The coach finds it in their outreach list, with the reviewer's words.
            let outreach = try await browser.get("/outreach").body.string
            #expect(outreach.contains("id=\"returned-notes\"") && outreach.contains(notePath))
            #expect(outreach.contains("Add how long the walk was."))
            _ = try await browser.post(
                notePath + "/addenda", ["text": "About 3 miles.", "typed_name": "Casey Coach"], tokenFrom: notePath)
            _ = try await supervisor.post(notePath + "/review", ["decision": "approve"], tokenFrom: notePath)
            #expect(try await SessionNote.query(on: app.db).first()?.review == .approved)
            #expect(!(try await browser.get("/outreach").body.string.contains("id=\"returned-notes\"")))
            // The person reads the signed note and its addendum; coaches of neither person cannot.
            let own = TestBrowser(app)
            try await own.signIn(personAccount)
            let list = try await own.get("/participants/\(id)/notes")
            #expect(list.status == .ok && list.body.string.contains(notePath))
            let read = try await own.get(notePath).body.string
            #expect(read.contains("About 3 miles.") && !read.contains("review-note") && !read.contains("add-to-note"))
            // A group session: the person learns others were there, not who.
            #expect(read.contains("Group session with") && !read.contains("Tomas"))
        }
    }

    @Test("signing an incomplete draft from its page shows the form with what to add")
    func signIncompleteFromPage() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (person, _) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            var draft = SessionNoteServiceTests.draft([person])
            draft.response = ""
            draft.nextSteps = ""
            draft.goals = []
            draft.mode = "phone"
            draft.place = ""
            let note = try await SessionNoteServiceTests.service(app, coach, .coach).create(
                draft, now: SessionNoteServiceTests.now)
            let browser = try await TestBrowser.signedIn(app, coach)
            let path = "/notes/\(note.id!)"
            let response = try await browser.post(path + "/sign", ["typed_name": "Casey Coach"], tokenFrom: path)
            #expect(response.status == .unprocessableEntity)
            #expect(
                response.body.string.contains("id=\"note-form\"") && response.body.string.contains("response-error"))
            #expect(try await SessionNote.find(note.id, on: app.db)?.status == .draft)
        }
    }
}
