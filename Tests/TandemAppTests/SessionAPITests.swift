import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Notes, appointments, outreach and exports in the API")
struct SessionAPITests {
    @Test("a coach writes and signs a note, a supervisor approves it, billing and reports read it")
    func notes() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            admin.organization.notesNeedReview = true
            try await admin.organization.save(on: app.db)
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let lead = try await app.addMember(.supervisor, to: admin.organization, email: "lead@example.org")
            let (rosa, _) = try await app.makeParticipant("Rosa", in: admin.organization, coach: coach.user)
            let api = try await APIClient.signIn(app, coach)
            let path = "/participants/\(rosa.id!.uuidString)/notes"
            let (bad, problem) = try await api.send(.POST, path, json: #"{"date":"2026-13-40"}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "date")
            let (made, note) = try await api.send(
                .POST, path,
                json: #"""
                    {"date":"2026-11-02","start":"10:00","end":"10:40","mode":"phone","goals":["Steady work"],
                    "done":"Planned the week, to keep a routine.","response":"Hopeful.","nextSteps":"Call Friday."}
                    """#)
            #expect(made.status == .created && note["status"] as? String == "draft" && note["minutes"] as? Int == 40)
            let id = try #require(note["id"] as? String)
            let (changed, edited) = try await api.send(
                .PUT, "/notes/\(id)",
                json: #"""
                    {"date":"2026-11-02","start":"10:00","end":"10:45","mode":"phone","done":"Planned the week.",
                    "response":"Hopeful.","nextSteps":"Call Friday."}
                    """#)
            #expect(changed.status == .ok && edited["minutes"] as? Int == 45)
            let (signed, signedNote) = try await api.send(
                .POST, "/notes/\(id)/signature", json: #"{"typedName":"Casey Coach"}"#)
            #expect(signed.status == .ok && signedNote["review"] as? String == "pending")
            let (again, _) = try await api.send(.PUT, "/notes/\(id)", json: #"{"date":"2026-11-02"}"#)
            #expect(again.status == .conflict || again.status == .forbidden)

            let supervisor = try await APIClient.signIn(app, lead)
            let (queue, queued) = try await supervisor.send(.GET, "/notes-to-review")
            #expect(queue.status == .ok && (queued["items"] as? [[String: Any]])?.count == 1)
            let (noComment, _) = try await supervisor.send(
                .POST, "/notes/\(id)/review", json: #"{"decision":"return"}"#)
            #expect(noComment.status == .unprocessableEntity)
            let (approved, approvedNote) = try await supervisor.send(
                .POST, "/notes/\(id)/review", json: #"{"decision":"approve"}"#)
            #expect(approved.status == .ok && approvedNote["review"] as? String == "approved")
            let (added, withAddendum) = try await api.send(
                .POST, "/notes/\(id)/addenda", json: #"{"text":"Called back on Friday.","typedName":"Casey Coach"}"#)
            #expect(added.status == .created && (withAddendum["addenda"] as? [[String: Any]])?.count == 1)
            #expect(withAddendum["review"] as? String == "pending")
            _ = try await supervisor.send(.POST, "/notes/\(id)/review", json: #"{"decision":"approve"}"#)

            let (billing, _) = try await supervisor.send(.GET, "/billing/export?from=2026-11-01&to=2026-11-30")
            #expect(billing.status == .ok && billing.body.string.contains(",2026-11-02,H0038,,3,45,1,"))
            let (badPeriod, _) = try await supervisor.send(.GET, "/billing/export?from=2026-11-30&to=2026-11-01")
            #expect(badPeriod.status == .unprocessableEntity)
            let (forbidden, _) = try await api.send(.GET, "/billing/export?from=2026-11-01&to=2026-11-30")
            #expect(forbidden.status == .forbidden)
            let (services, report) = try await supervisor.send(.GET, "/reports/services?from=2026-11-01&to=2026-11-30")
            #expect(services.status == .ok && (report["total"] as? [String: Any])?["minutes"] as? Int == 45)
            let (retention, _) = try await supervisor.send(.GET, "/reports/retention?from=2026-01-01&to=2026-01-31")
            #expect(retention.status == .ok)
            let (capital, figures) = try await supervisor.send(
                .GET, "/reports/recovery-capital?from=2026-11-01&to=2026-11-30")
            #expect(capital.status == .ok && figures["people"] as? Int == 0)
            let (listed, list) = try await api.send(.GET, path)
            #expect(listed.status == .ok && (list["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("appointments and outreach through the API")
    func appointmentsAndOutreach() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let personAccount = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (rosa, engagement) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: personAccount.user)
            engagement.lastContactAt = Date().addingTimeInterval(-40 * 86_400)
            try await engagement.save(on: app.db)
            let api = try await APIClient.signIn(app, coach)
            let day = CalendarDate(Date().addingTimeInterval(3 * 86_400), in: TimeZone(identifier: "America/New_York")!)
            let path = "/participants/\(rosa.id!.uuidString)/appointments"
            let (refused, _) = try await api.send(
                .POST, path, json: #"{"date":"\#(day)","start":"10:00","end":"09:00","mode":"phone"}"#)
            #expect(refused.status == .unprocessableEntity)
            let (made, appointment) = try await api.send(
                .POST, path,
                json:
                    #"{"date":"\#(day)","start":"10:00","end":"10:30","mode":"video","videoLink":"https://meet.example.org/r"}"#
            )
            #expect(made.status == .created && appointment["status"] as? String == "scheduled")
            let id = try #require(appointment["id"] as? String)
            let (moved, movedBody) = try await api.send(
                .POST, "/appointments/\(id)/reschedule",
                json: #"{"date":"\#(day)","start":"11:00","end":"11:30","mode":"phone","reason":"Clinic"}"#)
            #expect(moved.status == .ok && movedBody["changes"] as? Int == 1 && movedBody["videoLink"] as? String == "")
            let (early, _) = try await api.send(.POST, "/appointments/\(id)/outcome", json: #"{"outcome":"missed"}"#)
            #expect(early.status == .conflict)
            let (ics, _) = try await api.send(.GET, "/appointments/\(id)/ics")
            #expect(
                ics.status == .ok && ics.body.string.contains("BEGIN:VEVENT") && ics.body.string.contains("SEQUENCE:1"))

            let person = try await APIClient.signIn(app, personAccount)
            let (own, ownList) = try await person.send(.GET, path)
            let upcoming = try #require(ownList["upcoming"] as? [[String: Any]])
            #expect(own.status == .ok && upcoming.count == 1 && upcoming[0]["reason"] as? String == "")
            let (cancelled, cancelledBody) = try await api.send(
                .POST, "/appointments/\(id)/cancel", json: #"{"reason":"Rosa is away"}"#)
            #expect(cancelled.status == .ok && cancelledBody["status"] as? String == "cancelled")
            let (personCancels, _) = try await person.send(
                .POST, "/appointments/\(id)/cancel", json: #"{"reason":"x"}"#)
            #expect(personCancels.status == .forbidden || personCancels.status == .conflict)

            let (outreach, items) = try await api.send(.GET, "/outreach")
            let first = try #require((items["items"] as? [[String: Any]])?.first)
            #expect(outreach.status == .ok && first["reasons"] as? [String] == ["no_recent_contact"])
            let (recorded, attempt) = try await api.send(
                .POST, "/participants/\(rosa.id!.uuidString)/outreach-attempts",
                json: #"{"method":"text","outcome":"reached","reason":"no_recent_contact"}"#)
            #expect(recorded.status == .created && attempt["outcome"] as? String == "reached")
            let (after, empty) = try await api.send(.GET, "/outreach")
            #expect(after.status == .ok && (empty["items"] as? [[String: Any]])?.isEmpty == true)
            let (history, attempts) = try await api.send(.GET, "/participants/\(rosa.id!.uuidString)/outreach-attempts")
            #expect(history.status == .ok && (attempts["items"] as? [[String: Any]])?.count == 1)
            let (badAttempt, _) = try await api.send(
                .POST, "/participants/\(rosa.id!.uuidString)/outreach-attempts",
                json: #"{"method":"pigeon","outcome":"reached"}"#)
            #expect(badAttempt.status == .badRequest || badAttempt.status == .unprocessableEntity)
            let (personOutreach, _) = try await person.send(.GET, "/outreach")
            #expect(personOutreach.status == .forbidden)
        }
    }
}
