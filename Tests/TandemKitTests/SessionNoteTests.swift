import Testing

@testable import TandemKit

@Suite("Session notes")
struct SessionNoteTests {
    static let today = CalendarDate("2026-11-20")!

    static let complete = SessionNoteDraft(
        date: "2026-11-19", start: "09:30", end: "10:15", mode: "in_person", place: "Library",
        participantIDs: ["p1"], goals: ["Find work"], done: "Practised an interview.", response: "Felt ready.",
        nextSteps: "Apply to two jobs.")

    static func fields(_ draft: SessionNoteDraft, signing: Bool) -> [String] {
        draft.problems(today: today, forSigning: signing).map(\.field)
    }

    static func problems(_ draft: SessionNoteDraft) -> [(field: String, key: String)] {
        draft.problems(today: today, forSigning: false)
    }

    @Test("times of day parse strictly")
    func timesOfDay() {
        #expect(TimeOfDay("09:05")?.minutes == 545)
        #expect(TimeOfDay("23:59")?.description == "23:59")
        #expect(TimeOfDay("00:00")?.description == "00:00")
        #expect(TimeOfDay(minutes: 65)?.description == "01:05")
        #expect(TimeOfDay(minutes: 24 * 60) == nil && TimeOfDay(minutes: -1) == nil)
        for bad in ["9:05", "24:00", "12:60", "12-30", "", "ab:cd", "12:3", "+1:30"] {
            #expect(TimeOfDay(bad) == nil, "\(bad)")
        }
    }

    @Test("a complete note may be signed; its minutes come from the times or the duration")
    func complete() {
        #expect(Self.fields(Self.complete, signing: true).isEmpty)
        #expect(Self.complete.minutes == 45)
        var byDuration = Self.complete
        byDuration.end = ""
        byDuration.durationMinutes = 50
        #expect(Self.fields(byDuration, signing: true).isEmpty)
        #expect(byDuration.times?.end.description == "10:20")
        // Both given must agree.
        var both = Self.complete
        both.durationMinutes = 30
        #expect(Self.fields(both, signing: true) == ["end"])
    }

    @Test(
        "a contact may run past midnight, dated the day it started, for at most 12 hours",
        arguments: [
            ("23:30", "00:30", nil, 60), ("22:00", "", 180, 180), ("20:00", "08:00", nil, 720),
            ("20:00", "08:01", nil, nil), ("14:00", "13:00", nil, nil), ("10:00", "10:00", nil, nil),
            ("23:00", "01:00", 120, 120), ("23:00", "01:00", 60, nil), ("23:00", "", 24 * 60, nil),
        ] as [(String, String, Int?, Int?)])
    func pastMidnight(start: String, end: String, duration: Int?, minutes: Int?) {
        var note = Self.complete
        note.start = start
        note.end = end
        note.durationMinutes = duration
        #expect(note.minutes == minutes)
        #expect(Self.fields(note, signing: true).isEmpty == (minutes != nil))
    }

    @Test("a draft needs only a date and someone; signing needs everything a billable note has")
    func draftAndSigning() {
        let draft = SessionNoteDraft(date: "2026-11-19", participantIDs: ["p1"])
        #expect(Self.fields(draft, signing: false).isEmpty)
        #expect(
            Set(Self.fields(draft, signing: true)) == ["start", "mode", "done", "response", "next_steps"])
        #expect(Self.fields(SessionNoteDraft(), signing: false) == ["date", "participants"])
        var phone = Self.complete
        phone.mode = "phone"
        phone.place = ""
        #expect(Self.fields(phone, signing: true).isEmpty)
        var visit = phone
        visit.mode = "off_site"
        #expect(Self.fields(visit, signing: true) == ["place"])
    }

    @Test("bad times, future dates, unknown modes and long text are refused")
    func refusals() {
        var note = Self.complete
        note.end = "09:00"
        #expect(Self.fields(note, signing: true) == ["end"])
        note.end = "9am"
        #expect(Self.fields(note, signing: false) == ["end"])
        note = Self.complete
        note.end = ""
        note.durationMinutes = 0
        #expect(Self.fields(note, signing: false) == ["duration"])
        note.durationMinutes = 13 * 60
        #expect(Self.fields(note, signing: false) == ["duration"])
        note = Self.complete
        note.start = "01:00"
        note.end = "23:00"
        #expect(Self.fields(note, signing: false) == ["end"])
        note = Self.complete
        note.date = "2026-11-21"
        #expect(Self.fields(note, signing: false) == ["date"])
        note.date = "2026-02-30"
        #expect(Self.fields(note, signing: false) == ["date"])
        // Ten years back at most: a contact of 1900 is a slip of the year.
        note.date = "1900-01-01"
        #expect(Self.problems(note).first { $0.field == "date" }?.key == "error_session_date_old")
        note.date = "2016-11-20"
        #expect(Self.fields(note, signing: false) == [])
        note = Self.complete
        note.mode = "telepathy"
        #expect(Self.fields(note, signing: false) == ["mode"])
        note = Self.complete
        note.done = String(repeating: "a", count: SessionNoteDraft.textLimit + 1)
        note.response = "bell\u{7}"
        #expect(Self.fields(note, signing: true) == ["done", "response"])
    }

    @Test("several people make a group session; each person and goal counts once")
    func group() {
        var note = Self.complete
        note.participantIDs = [" p1", "p2", "p1 ", ""]
        note.goals = ["Find work", " Find work", ""]
        let normalized = note.normalized()
        #expect(normalized.participantIDs == ["p1", "p2"])
        #expect(normalized.goals == ["Find work"])
        #expect(normalized.isGroup)
        #expect(!Self.complete.isGroup)
    }

    @Test("an addendum has words, not too many, and no control characters")
    func addendum() {
        #expect(SessionNoteDraft.addendumProblems("Called back the next day.").isEmpty)
        #expect(SessionNoteDraft.addendumProblems("").map(\.field) == ["text"])
        #expect(SessionNoteDraft.addendumProblems("a\u{0}b").map(\.key) == ["error_text_invalid"])
        #expect(
            SessionNoteDraft.addendumProblems(String(repeating: "x", count: SessionNoteDraft.textLimit + 1)).map(\.key)
                == ["error_text_too_long"])
    }

    @Test("review: only approved or unreviewed notes bill; an addendum sends a reviewed note back for review")
    func review() {
        #expect(NoteReview.notRequired.allowsBilling && NoteReview.approved.allowsBilling)
        #expect(!NoteReview.pending.allowsBilling && !NoteReview.returned.allowsBilling)
        #expect(NoteReview.pending.deciding(approve: true) == .approved)
        #expect(NoteReview.pending.deciding(approve: false) == .returned)
        #expect(NoteReview.approved.deciding(approve: false) == nil)
        #expect(NoteReview.returned.afterAddendum == .pending)
        #expect(NoteReview.approved.afterAddendum == .pending)
        #expect(NoteReview.notRequired.afterAddendum == .notRequired)
    }
}
