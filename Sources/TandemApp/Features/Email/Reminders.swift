import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Finds the reminders that are due and queues them, once each (`ReminderRules` keys):
/// appointments the day before and an hour before, the daily check-in at the person's
/// chosen time, and a BARC-10 that has come due again. Only people with a sign-in get
/// them, each as they chose (`ReminderPreference`), in their language and time zone.
enum Reminders {
    struct Recipient {
        let organizationID: UUID
        let email: String
        let language: Language
        let firstName: String
        let timeZone: TimeZone
    }

    static func recipient(_ row: any SQLRow) throws -> Recipient {
        let own = try row.decode(column: "p_zone", as: String.self)
        let org = try row.decode(column: "o_zone", as: String.self)
        return Recipient(
            organizationID: try row.uuid("organization_id"), email: try row.decode(column: "email", as: String.self),
            language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .en,
            firstName: firstName(try row.decode(column: "preferred_name", as: String.self)),
            timeZone: TimeZone(identifier: own) ?? TimeZone(identifier: org) ?? .gmt)
    }

    /// Queues the appointment and check-in reminders due at `now`; returns how many.
    static func queueDue(_ app: Application, on db: any Database, now: Date = Date()) async throws -> Int {
        guard app.tandemSettings.smtp != nil, let sql = db as? any SQLDatabase else { return 0 }
        var queued = 0
        let people = """
            JOIN participants p ON p.id = a.participant_id JOIN users u ON u.id = p.user_id \
            JOIN organizations o ON o.id = a.organization_id \
            LEFT JOIN reminder_preferences rp ON rp.user_id = u.id AND rp.organization_id = a.organization_id
            """
        let appointments = try await sql.raw(
            """
            SELECT a.id, a.starts_at, a.changes, a.organization_id, p.preferred_name, p.time_zone AS p_zone, \
            o.time_zone AS o_zone, u.email, u.language, rp.appointments AS wanted FROM appointments a \
            \(unsafeRaw: people) WHERE a.status = 'scheduled' AND a.starts_at > \(bind: now) \
            AND a.starts_at <= \(bind: now.addingTimeInterval(24 * 3600))
            """
        ).all()
        for row in appointments {
            guard try row.optional("wanted", as: Bool.self) ?? true else { continue }
            let start = try row.decode(column: "starts_at", as: Date.self)
            guard let reminder = ReminderRules.appointmentReminder(start: start, now: now) else { continue }
            let person = try recipient(row)
            let local = AppointmentController.local(start, person.timeZone)
            let today = CalendarDate(now, in: person.timeZone)
            let key = ReminderRules.appointmentKey(
                reminder, appointmentID: try row.uuid("id").uuidString,
                changes: try row.decode(column: "changes", as: Int.self))
            if try await Mail.queue(
                app, on: db, organizationID: person.organizationID, to: person.email, language: person.language,
                subjectKey: "email_appointment_subject",
                bodyKey: local.day == today ? "email_appointment_today" : "email_appointment_tomorrow",
                values: ["name": person.firstName, "time": local.time.description], kind: reminder.rawValue,
                dedupeKey: key, expiresAt: start, now: now)
            {
                queued += 1
            }
        }
        let checkIns = try await sql.raw(
            """
            SELECT p.id, rp.organization_id, rp.check_in_time, p.preferred_name, p.time_zone AS p_zone, \
            o.time_zone AS o_zone, u.email, u.language FROM reminder_preferences rp \
            JOIN users u ON u.id = rp.user_id \
            JOIN participants p ON p.user_id = rp.user_id AND p.organization_id = rp.organization_id \
            JOIN organizations o ON o.id = rp.organization_id \
            WHERE rp.check_in = \(bind: true) AND rp.check_in_time <> ''
            """
        ).all()
        for row in checkIns {
            guard let chosen = TimeOfDay(try row.decode(column: "check_in_time", as: String.self)) else { continue }
            let person = try recipient(row)
            let local = AppointmentController.local(now, person.timeZone)
            let participantID = try row.uuid("id")
            let store = CheckInStore(
                db: db, writer: FrequentWrites(database: db, audit: app.tandem.audit, together: false),
                organizationID: person.organizationID)
            let checkedIn = try await store.on(local.day, of: participantID) != nil
            guard ReminderRules.checkInDue(chosen: chosen, localTime: local.time, checkedInToday: checkedIn) else {
                continue
            }
            if try await Mail.queue(
                app, on: db, organizationID: person.organizationID, to: person.email, language: person.language,
                subjectKey: "email_check_in_subject", bodyKey: "email_check_in_body",
                values: ["name": person.firstName, "link": link(app, "/check-in")], kind: "check_in",
                dedupeKey: ReminderRules.checkInKey(participantID: participantID.uuidString, day: local.day),
                expiresAt: now.addingTimeInterval(Double(ReminderRules.checkInWindowMinutes) * 60), now: now)
            {
                queued += 1
            }
        }
        return queued
    }

    /// Queues "your BARC-10 is due" for everyone whose next one has come due since their last.
    static func queueRecoveryCapitalDue(_ app: Application, on db: any Database, now: Date = Date()) async throws
        -> Int
    {
        guard app.tandemSettings.smtp != nil, let sql = db as? any SQLDatabase else { return 0 }
        let rows = try await sql.raw(
            """
            SELECT p.id, p.organization_id, p.preferred_name, p.time_zone AS p_zone, o.time_zone AS o_zone, \
            o.reassessment_interval_days AS interval_days, u.email, u.language, rp.recovery_capital AS wanted, \
            (SELECT MAX(r.completed_on) FROM recovery_capital_assessments r WHERE r.participant_id = p.id \
            AND r.status = 'completed') AS last_scored \
            FROM participants p JOIN users u ON u.id = p.user_id JOIN organizations o ON o.id = p.organization_id \
            LEFT JOIN reminder_preferences rp ON rp.user_id = u.id AND rp.organization_id = p.organization_id
            """
        ).all()
        var queued = 0
        for row in rows {
            guard try row.optional("wanted", as: Bool.self) ?? true,
                let last = CalendarDate(try row.optional("last_scored", as: String.self) ?? "")
            else { continue }
            let person = try recipient(row)
            let today = CalendarDate(now, in: person.timeZone)
            let interval = try row.decode(column: "interval_days", as: Int.self)
            let due = Reassessment.due(lastScored: last, intervalDays: interval, today: today)
            guard due <= today else { continue }
            let participantID = try row.uuid("id")
            if try await Mail.queue(
                app, on: db, organizationID: person.organizationID, to: person.email, language: person.language,
                subjectKey: "email_barc_subject", bodyKey: "email_barc_body",
                values: [
                    "name": person.firstName,
                    "link": link(app, "/participants/\(participantID.uuidString)/recovery-capital"),
                ], kind: "barc_due",
                dedupeKey: ReminderRules.recoveryCapitalKey(participantID: participantID.uuidString, due: due), now: now
            ) {
                queued += 1
            }
        }
        return queued
    }

    /// Withdraws an appointment's reminders that are still waiting (it moved or was cancelled;
    /// a moved one gets new reminders at its new time).
    static func withdraw(appointmentID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for reminder in ReminderRules.AppointmentReminder.allCases {
            let prefix = reminder.rawValue + ":" + appointmentID.uuidString.lowercased() + ":"
            try await sql.raw(
                """
                UPDATE email_outbox SET status = 'failed', body = '', last_error = 'withdrawn: the appointment changed' \
                WHERE status = 'queued' AND dedupe_key LIKE \(bind: prefix + "%")
                """
            ).run()
        }
    }

    static func link(_ app: Application, _ path: String) -> String {
        (app.tandemSettings.baseURL ?? "http://localhost:8080") + path
    }
}
