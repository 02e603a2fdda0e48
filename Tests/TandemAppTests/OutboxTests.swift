import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

/// A mail server address where nothing listens: every attempt fails before a connection.
let unreachableSMTP = SMTPConfiguration(
    host: "127.0.0.1", port: 1, username: nil, password: nil, security: .none, from: "tandem@example.org",
    trustedCertificatesFile: nil, timeout: 5)

@Suite("E-mail outbox and reminders")
struct OutboxTests {
    @Test("messages are queued once per key; nothing is queued while e-mail is off")
    func queueing() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let off = try await Mail.queue(
                app, on: app.db, organizationID: admin.organization.id, to: "rosa@example.org", language: .en,
                subjectKey: "email_check_in_subject", bodyKey: "email_check_in_body", values: [:], kind: "test")
            #expect(!off)
            #expect(
                try await Outbox.enqueue(
                    on: app.db, organizationID: nil, recipient: "rosa@example.org", subject: "S", body: "B",
                    kind: "test", dedupeKey: "k1"))
            #expect(
                !(try await Outbox.enqueue(
                    on: app.db, organizationID: nil, recipient: "rosa@example.org", subject: "S", body: "B",
                    kind: "test", dedupeKey: "k1")))
            #expect(
                !(try await Outbox.enqueue(
                    on: app.db, organizationID: nil, recipient: "rosa@example.org\r\nX", subject: "S", body: "B",
                    kind: "test")))
            #expect(try await OutboxMessage.query(on: app.db).count() == 1)
        }
    }

    @Test("a failed attempt waits longer each time and gives up; a restart settles half-sent messages")
    func retriesAndRecovery() async throws {
        try await withTandem { app in
            let client = SMTPClient(configuration: unreachableSMTP, group: app.eventLoopGroup)
            let now = Date()
            _ = try await Outbox.enqueue(
                on: app.db, organizationID: nil, recipient: "rosa@example.org", subject: "S", body: "B", kind: "test",
                now: now)
            #expect(try await Outbox.deliverDue(on: app.db, client: client, now: now, retryBase: 30) == 0)
            var message = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(message.status == .queued && message.attempts == 1 && message.lastError.hasPrefix("cannot connect"))
            #expect(abs(message.nextAttemptAt.timeIntervalSince(now) - 30) < 1)
            // Not due yet: nothing is tried.
            _ = try await Outbox.deliverDue(on: app.db, client: client, now: now.addingTimeInterval(10), retryBase: 30)
            #expect(try await OutboxMessage.query(on: app.db).first()?.attempts == 1)
            var later = now
            for _ in 2...OutboxRetry.maxAttempts {
                later = later.addingTimeInterval(7 * 3600)
                _ = try await Outbox.deliverDue(on: app.db, client: client, now: later, retryBase: 30)
            }
            message = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(message.status == .failed && message.attempts == OutboxRetry.maxAttempts)

            // A holder that died mid-way: once its lease runs out, a message caught before the
            // hand-over is tried again, one caught during it never; a live holder's lease is left alone.
            let old = now.addingTimeInterval(-Outbox.leaseSeconds - 60)
            for (status, subject, claimed) in [
                (OutboxMessage.Status.sending, "before", old), (.committing, "during", old), (.sending, "live", now),
            ] {
                _ = try await Outbox.enqueue(
                    on: app.db, organizationID: nil, recipient: "rosa@example.org", subject: subject, body: "B",
                    kind: "test")
                try await OutboxMessage.query(on: app.db).filter(\.$subject == subject).set(\.$status, to: status)
                    .set(\.$claimedAt, to: claimed).set(\.$claimToken, to: "someone").update()
            }
            try await Outbox.recover(on: app.db, now: now)
            func status(_ subject: String) async throws -> OutboxMessage.Status? {
                try await OutboxMessage.query(on: app.db).filter(\.$subject == subject).first()?.status
            }
            #expect(try await status("before") == .queued)
            #expect(try await status("during") == .failed)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$subject == "during").first()?.body == "")
            #expect(try await status("live") == .sending)
            // Another holder cannot finish a message it does not hold.
            let live = try #require(try await OutboxMessage.query(on: app.db).filter(\.$subject == "live").first())
            #expect(!(try await Outbox.finish(live.id!, token: "me", status: .sent, error: "", on: app.db)))
            #expect(try await Outbox.finish(live.id!, token: "someone", status: .sent, error: "", on: app.db))

            // A message past its time is let go, not sent late.
            _ = try await Outbox.enqueue(
                on: app.db, organizationID: nil, recipient: "rosa@example.org", subject: "late", body: "B",
                kind: "test",
                expiresAt: now.addingTimeInterval(60), now: now)
            try await Outbox.recover(on: app.db, now: now.addingTimeInterval(120))
            #expect(try await status("late") == .failed)
        }
    }

    @Test("appointment, check-in and BARC-10 reminders are queued once, as each person chose")
    func reminders() async throws {
        try await withTandem({ $0.smtp = unreachableSMTP }) { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let rosaAccount = try await app.addMember(.participant, to: admin.organization, email: "rosa@example.org")
            let tomasAccount = try await app.addMember(.participant, to: admin.organization, email: "tomas@example.org")
            let (rosa, _) = try await app.makeParticipant(
                "Rosa Maria", in: admin.organization, coach: coach.user, user: rosaAccount.user)
            let (tomas, _) = try await app.makeParticipant(
                "Tomas", in: admin.organization, coach: coach.user, user: tomasAccount.user)
            let (noSignIn, _) = try await app.makeParticipant("Vera", in: admin.organization, coach: coach.user)
            let now = Date()
            for person in [rosa, tomas, noSignIn] {
                let appointment = Appointment(
                    organizationID: admin.organization.id!, participantID: person.id!, coachID: coach.user.id!,
                    createdBy: coach.user.id!)
                appointment.apply(
                    AppointmentDraft(mode: "phone"),
                    interval: (now.addingTimeInterval(20 * 3600), now.addingTimeInterval(21 * 3600)))
                try await appointment.create(on: app.db)
            }
            // Tomas turned appointment reminders off and wants a check-in reminder now.
            let zone = TimeZone(identifier: admin.organization.timeZone)!
            let local = AppointmentController.local(now, zone)
            let preference = ReminderPreference(organizationID: admin.organization.id!, userID: tomasAccount.user.id!)
            preference.appointments = false
            preference.checkIn = true
            preference.checkInTime = local.time.description
            try await preference.create(on: app.db)

            #expect(try await Reminders.queueDue(app, on: app.db, now: now) == 2)
            #expect(try await Reminders.queueDue(app, on: app.db, now: now.addingTimeInterval(60)) == 0)
            let queued = try await OutboxMessage.query(on: app.db).sort(\.$kind).all()
            #expect(queued.map(\.kind) == ["appointment_24h", "check_in"])
            #expect(queued.map(\.recipient) == ["rosa@example.org", "tomas@example.org"])
            // Only a first name and a time: no surname, no coach, no place.
            #expect(queued[0].body.contains("Hi Rosa,") && !queued[0].body.contains("Maria"))
            #expect(!queued[0].body.contains("Member"))

            // A check-in today means no check-in reminder today.
            try await OutboxMessage.query(on: app.db).filter(\.$kind == "check_in").delete()
            let checkIn = CheckIn(organizationID: admin.organization.id!, participantID: tomas.id!, day: local.day)
            checkIn.apply(CheckInAnswers(mood: 4, craving: 2))
            try await checkIn.create(on: app.db)
            #expect(try await Reminders.queueDue(app, on: app.db, now: now.addingTimeInterval(120)) == 0)

            // BARC-10: due again after the organization's interval since the last scored one.
            let scored = RecoveryCapitalAssessment(organizationID: admin.organization.id!, participantID: rosa.id!)
            scored.status = .completed
            scored.completedOn = local.day.adding(days: -100)!.description
            try await scored.create(on: app.db)
            #expect(try await Reminders.queueRecoveryCapitalDue(app, on: app.db, now: now) == 1)
            #expect(try await Reminders.queueRecoveryCapitalDue(app, on: app.db, now: now) == 0)

            // Cancelling Rosa's appointment withdraws its waiting reminder.
            let rosaAppointment = try #require(
                try await Appointment.query(on: app.db).filter(\.$participantID == rosa.id!).first())
            try await Reminders.withdraw(appointmentID: rosaAppointment.id!, on: app.db)
            let withdrawn = try #require(
                try await OutboxMessage.query(on: app.db).filter(\.$kind == "appointment_24h").first())
            #expect(withdrawn.status == .failed && withdrawn.body.isEmpty)
        }
    }

    @Test("the reminders page: a participant's choices saved or refused at the field; staff have none")
    func page() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let account = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(account)
            let form = try await browser.get("/account/reminders")
            #expect(form.status == .ok && form.body.string.contains("reminders-form"))
            let bad = try await browser.post(
                "/account/reminders", ["check_in": "on", "check_in_time": "7pm"], tokenFrom: "/account/reminders")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("check_in_time-error"))
            #expect(try await ReminderPreference.query(on: app.db).count() == 0)
            let good = try await browser.post(
                "/account/reminders", ["check_in": "on", "check_in_time": "19:30", "recovery_capital": "on"],
                tokenFrom: "/account/reminders")
            #expect(good.status == .ok)
            let stored = try #require(try await ReminderPreference.query(on: app.db).first())
            #expect(!stored.appointments && stored.checkIn && stored.checkInTime == "19:30" && stored.recoveryCapital)
            let staff = TestBrowser(app)
            try await staff.signIn(admin)
            #expect(try await staff.get("/account/reminders").status == .forbidden)
        }
    }
}
