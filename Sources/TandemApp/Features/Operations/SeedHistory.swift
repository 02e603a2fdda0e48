import Foundation
import SQLKit
import TandemKit

/// One seeded person as the history writer needs them.
struct SeedPerson: Sendable {
    let index: Int
    let participantID: UUID
    let organizationID: UUID
    let engagementID: UUID
    let coachID: UUID
    let coachName: String
    let name: String
    let status: EngagementStatus
    let userID: UUID?
}

/// The statewide parts of `tandem seed` for a batch of people: signed session notes,
/// messages with their coach, a recovery plan agreed by both, BARC-10 assessments, a consent
/// for one person in four, and the audit entries those would have left. Returns the audit
/// entries with their times; the command appends them to the chain in order.
enum SeedHistory {
    struct Counts {
        let notes: (Int) -> Int
        let messages: (Int) -> Int
        /// Plans, assessments and consents too.
        let records: Bool
    }

    /// Whole milliseconds, as the audit chain hashes them.
    static func instant(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    static func write(
        _ people: [SeedPerson], counts: Counts, plan: SeedPlan, now: Date, timeZone: TimeZone,
        on sql: any SQLDatabase
    ) async throws -> [(AuditLog.Entry, Date)] {
        var audit: [(AuditLog.Entry, Date)] = []
        func record(_ action: String, _ person: SeedPerson, actor: UUID?, type: String, subject: UUID, at: Date) {
            audit.append(
                (
                    AuditLog.Entry(
                        action: action, outcome: .success, actor: actor, organization: person.organizationID,
                        subjectType: type, subject: subject, participant: person.participantID, requestID: nil,
                        clientAddress: nil), instant(at)
                ))
        }
        func day(_ date: Date) -> String { CalendarDate(date, in: timeZone).description }
        let none: UUID? = nil
        let never: Date? = nil

        var notes = SeedRows(
            SessionNote.schema,
            [
                "id", "organization_id", "author_id", "local_date", "start_time", "end_time", "minutes", "mode",
                "place", "goals", "done", "response", "next_steps", "status", "signed_name", "signed_at", "review",
                "review_comment", "reviewed_by", "reviewed_at", "created_at", "updated_at",
            ], on: sql)
        var noteParticipants = SeedRows(
            "session_note_participants", ["id", "organization_id", "note_id", "participant_id"], on: sql)
        var messages = SeedRows(
            Message.schema,
            [
                "id", "organization_id", "engagement_id", "participant_id", "sender_id", "sender_name", "body",
                "created_at",
            ], on: sql)
        for person in people {
            for note in plan.notes(person: person.index, count: counts.notes(person.index)) {
                let id = UUID()
                let start = TimeOfDay(minutes: note.startMinute) ?? TimeOfDay(minutes: 600)!
                let end = TimeOfDay(minutes: min(note.startMinute + note.minutes, 24 * 60 - 1)) ?? start
                let date = now.addingTimeInterval(-Double(note.daysAgo) * 86_400)
                let signed = date.addingTimeInterval(Double(note.startMinute % 120 + note.minutes) * 60)
                try await notes.add([
                    id, person.organizationID, person.coachID, day(date), start.description, end.description,
                    note.minutes, note.mode.rawValue, note.mode.needsPlace ? "Recovery community center" : "",
                    note.goals, note.done, note.response, note.nextSteps, "signed", person.coachName, signed,
                    NoteReview.notRequired.rawValue, "", none, never, signed, signed,
                ])
                try await noteParticipants.add(
                    [UUID(), person.organizationID, id, person.participantID], after: &notes)
                record(
                    "session_note.create", person, actor: person.coachID, type: "session_note", subject: id, at: signed)
            }
            let conversation = plan.messages(
                person: person.index, count: counts.messages(person.index), canWrite: person.userID != nil)
            for message in conversation {
                let id = UUID()
                let sender = message.fromPerson ? person.userID ?? person.coachID : person.coachID
                let at = instant(now.addingTimeInterval(-Double(message.minutesAgo) * 60))
                try await messages.add([
                    id, person.organizationID, person.engagementID, person.participantID, sender,
                    message.fromPerson ? person.name : person.coachName, message.body, at,
                ])
                record("message.send", person, actor: sender, type: "message", subject: id, at: at)
            }
        }
        try await notes.flush()
        try await noteParticipants.flush()
        try await messages.flush()
        if counts.records {
            try await writeRecords(people, plan: plan, now: now, timeZone: timeZone, on: sql, record: record)
        }
        return audit
    }

    /// Plans (one agreed version), BARC-10s (none to two) and consents (one person in four).
    private static func writeRecords(
        _ people: [SeedPerson], plan: SeedPlan, now: Date, timeZone: TimeZone, on sql: any SQLDatabase,
        record: (String, SeedPerson, UUID?, String, UUID, Date) -> Void
    ) async throws {
        var versions = SeedRows(
            RecoveryPlanVersion.schema,
            [
                "id", "organization_id", "participant_id", "number", "content", "goals_done", "goals_total",
                "edited_by", "editor_role", "editor_name", "created_at",
            ], on: sql)
        var signatures = SeedRows(
            RecoveryPlanSignature.schema,
            ["id", "organization_id", "version_id", "signer", "typed_name", "user_id", "in_person", "signed_at"],
            on: sql)
        var assessments = SeedRows(
            RecoveryCapitalAssessment.schema,
            [
                "id", "organization_id", "participant_id", "status", "answers", "total", "completed_on",
                "with_coach", "recorded_by", "created_at", "updated_at",
            ], on: sql)
        var consents = SeedRows(
            ConsentRecord.schema,
            [
                "id", "organization_id", "participant_id", "recipient_kind", "recipient_user_id", "recipient_name",
                "categories", "purpose", "purpose_note", "expires_on", "engagement_id", "signed_name", "signed_at",
                "entered_by", "in_person", "revoked_at", "revoked_by", "created_at",
            ], on: sql)
        let none: UUID? = nil
        let never: Date? = nil
        for person in people where person.status != .referred {
            let written = instant(now.addingTimeInterval(-Double(30 + person.index % 60) * 86_400))
            let document = plan.plan(person: person.index, name: person.name)
            let counts = document.goalCounts
            let version = UUID()
            try await versions.add([
                version, person.organizationID, person.participantID, 1, document.encoded(), counts.done,
                counts.total, person.coachID, "coach", person.coachName, written,
            ])
            for (signer, name, user) in [
                ("coach", person.coachName, Optional(person.coachID)), ("participant", person.name, person.userID),
            ] {
                try await signatures.add(
                    [UUID(), person.organizationID, version, signer, name, user, user == nil, written],
                    after: &versions)
            }
            record("plan.update", person, person.coachID, "plan_version", version, written)
            let answerSets = plan.barc10(person: person.index, count: person.index % 3)
            for (round, answers) in answerSets.enumerated() {
                let id = UUID()
                let taken = instant(now.addingTimeInterval(-Double((answerSets.count - round) * 90) * 86_400))
                try await assessments.add([
                    id, person.organizationID, person.participantID, "completed", BARC10.encode(answers),
                    answers.reduce(0, +), CalendarDate(taken, in: timeZone).description, round % 2 == 0,
                    person.coachID, taken, taken,
                ])
                record("recovery_capital.complete", person, person.coachID, "recovery_capital", id, taken)
            }
            guard person.index % 4 == 0 else { continue }
            let id = UUID()
            let expires = CalendarDate(now, in: timeZone).adding(days: 365)?.description ?? ""
            try await consents.add([
                id, person.organizationID, person.participantID, "organization", none,
                "Seedtown Treatment Center", ",plan,check_ins,recovery_capital,",
                ConsentPurpose.careCoordination.rawValue,
                "", expires, person.engagementID, person.name, written, person.coachID, true, never, none, written,
            ])
            record("consent.create", person, person.coachID, "consent", id, written)
        }
        try await versions.flush()
        try await signatures.flush()
        try await assessments.flush()
        try await consents.flush()
    }
}
