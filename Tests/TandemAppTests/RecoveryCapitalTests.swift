import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Recovery capital (BARC-10)")
struct RecoveryCapitalTests {
    static func answers(_ values: [Int?]) -> [(String, String)] {
        values.enumerated().compactMap { index, value in value.map { ("item_\(index + 1)", String($0)) } }
    }

    @Test("the participant saves a draft, finishes it for a total, and the history draws the chart and the 47 line")
    func participantAlone() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let base = "/participants/\(participant.id!.uuidString)/recovery-capital"
            let own = TestBrowser(app)
            try await own.signIn(person)
            let form = try await own.get(base + "/form")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("There are more important things to me in life than using substances."))
            #expect(form.body.string.components(separatedBy: "type=\"radio\"").count - 1 == 60)

            // Finishing with answers missing names each one and keeps nothing.
            let partial: [Int?] = [5, 5, 4, nil, 6, 5, nil, 6, 5, 5]
            let refused = try await own.post(
                base, pairs: Self.answers(partial) + [("action", "complete")], tokenFrom: base + "/form")
            #expect(refused.status == .unprocessableEntity)
            #expect(
                refused.body.string.contains("href=\"#item_4\"") && refused.body.string.contains("href=\"#item_7\""))
            #expect(refused.body.string.contains("id=\"item_1-5\" name=\"item_1\" value=\"5\" checked"))
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 0)

            // Out of range is refused even for a draft.
            let wrong = try await own.post(
                base, pairs: [("item_2", "9"), ("action", "draft")], tokenFrom: base + "/form")
            #expect(wrong.status == .unprocessableEntity)
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 0)

            let drafted = try await own.post(
                base, pairs: Self.answers(partial) + [("action", "draft")], tokenFrom: base + "/form")
            #expect(drafted.status == .seeOther && drafted.location == base + "?saved=1")
            let draft = try #require(try await RecoveryCapitalAssessment.query(on: app.db).first())
            #expect(draft.status == .draft && draft.total == nil && draft.answers == "5,5,4,,6,5,,6,5,5")
            #expect(try await own.get(base).body.string.contains("Continue the draft"))
            // The form picks up the draft.
            #expect(
                try await own.get(base + "/form").body.string.contains(
                    "id=\"item_3-4\" name=\"item_3\" value=\"4\" checked"))

            let full: [Int?] = [5, 5, 4, 3, 6, 5, 4, 6, 5, 5]
            let done = try await own.post(
                base, pairs: Self.answers(full) + [("action", "complete")], tokenFrom: base + "/form")
            #expect(done.status == .seeOther && done.location == base + "?completed=1")
            let scored = try #require(try await RecoveryCapitalAssessment.query(on: app.db).all().first)
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 1)
            #expect(scored.status == .completed && scored.total == 48 && !scored.withCoach)
            #expect(
                scored.completedOn
                    == ParticipantService.today(in: try #require(try await Organization.query(on: app.db).first()))
                    .description)

            let history = try await own.get(base).body.string
            #expect(history.contains("<svg class=\"chart\" id=\"barc-chart\""))
            #expect(history.contains("stroke-dasharray") && history.contains("47: level seen in sustained remission"))
            #expect(element("barc-latest", in: history)?.contains("48 of 60") == true)
            #expect(element("barc-latest", in: history)?.contains("at or above 47") == true)
            #expect(history.contains("<td data-label=\"Total\">48</td>"))

            // The coach fills the next one in with the person: the caseload shows the trend.
            let coaching = TestBrowser(app)
            try await coaching.signIn(coach)
            let lower: [Int?] = [4, 4, 4, 3, 5, 4, 4, 5, 4, 4]
            let withCoach = try await coaching.post(
                base, pairs: Self.answers(lower) + [("action", "complete")], tokenFrom: base + "/form")
            #expect(withCoach.status == .seeOther)
            let latest = try #require(
                try await RecoveryCapitalAssessment.query(on: app.db).filter(\.$total == 41).first())
            #expect(latest.withCoach && latest.recordedBy == coach.user.id)
            let caseload = try await coaching.get("/").body.string
            #expect(caseload.contains("<span class=\"trend trend-down\">"))
            let page = try await coaching.get(base).body.string
            #expect(element("barc-latest", in: page)?.contains("41 of 60") == true)
            #expect(element("barc-trend", in: page)?.contains("down") == true)

            let actions = try await app.auditActions()
            #expect(actions.filter { $0 == "recovery_capital.complete" }.count == 2)
            #expect(actions.contains("recovery_capital.save_draft") && actions.contains("recovery_capital.view"))
        }
    }

    @Test("a supervisor reads the history but does not fill the form in; outsiders see nothing")
    func access() async throws {
        try await withTandem { app in
            let (admin, _, _, participant) = try await app.checkInPeople()
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "sup@example.org")
            let base = "/participants/\(participant.id!.uuidString)/recovery-capital"
            let browser = TestBrowser(app)
            try await browser.signIn(supervisor)
            #expect(try await browser.get(base).status == .ok)
            #expect(!(try await browser.get(base).body.string.contains("id=\"barc-start\"")))
            #expect(try await browser.get(base + "/form").status == .forbidden)
            let csrf = try await browser.token(from: base)
            let posted = try await browser.post(
                base, pairs: Self.answers(Array(repeating: 5, count: 10)) + [("_csrf", csrf)], tokenFrom: base)
            #expect(posted.status == .forbidden)
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 0)
        }
    }

    @Test("the reassessment interval is an organization setting; a BARC-10 is due after it")
    func interval() async throws {
        try await withTandem { app in
            let (admin, _, _, participant) = try await app.checkInPeople()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let bad = try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "988", "reassessment_interval_days": "3"],
                tokenFrom: "/admin/settings")
            #expect(bad.status == .unprocessableEntity)
            #expect(try await Organization.find(admin.organization.id, on: app.db)?.reassessmentIntervalDays == 90)
            let good = try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "988", "reassessment_interval_days": "30"],
                tokenFrom: "/admin/settings")
            #expect(good.status == .ok)
            #expect(try await Organization.find(admin.organization.id, on: app.db)?.reassessmentIntervalDays == 30)

            let today = ParticipantService.today(in: admin.organization)
            let past = RecoveryCapitalAssessment(organizationID: admin.organization.id!, participantID: participant.id!)
            past.status = .completed
            past.answers = BARC10.encode(Array(repeating: 4, count: 10))
            past.total = 40
            past.completedOn = today.adding(days: -31)!.description
            try await past.create(on: app.db)
            let coach = TestBrowser(app)
            try await coach.signIn(admin)
            let page = try await coach.get("/participants/\(participant.id!.uuidString)/recovery-capital").body.string
            #expect(element("barc-due", in: page)?.contains("A BARC-10 is due") == true)
            past.completedOn = today.adding(days: -29)!.description
            try await past.save(on: app.db)
            let later = try await coach.get("/participants/\(participant.id!.uuidString)/recovery-capital").body.string
            #expect(element("barc-due", in: later)?.contains("Next BARC-10 due:") == true)
        }
    }

    /// The form key written into a page's BARC-10 form.
    static func formKey(in html: String) -> String? {
        guard let start = html.range(of: "name=\"form_key\" value=\"") else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test("the same form sent twice is one assessment, also when both arrive at once; a new form is another")
    func sentTwice() async throws {
        try await withTandem { app in
            let (_, _, person, participant) = try await app.checkInPeople()
            let base = "/participants/\(participant.id!.uuidString)/recovery-capital"
            let own = try await TestBrowser.signedIn(app, person)
            let full: [Int?] = [5, 5, 4, 3, 6, 5, 4, 6, 5, 5]
            let key = try #require(Self.formKey(in: try await own.get(base + "/form").body.string))
            for _ in 0..<2 {
                let sent = try await own.post(
                    base, pairs: Self.answers(full) + [("action", "complete"), ("form_key", key)],
                    tokenFrom: base + "/form")
                #expect(sent.status == .seeOther && sent.location == base + "?completed=1")
            }
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 1)

            // Three copies of another form at the same moment, on different connections.
            let other = try #require(Self.formKey(in: try await own.get(base + "/form").body.string))
            #expect(other != key)
            let actor = Actor(user: person.user, organization: person.organization, role: .participant)
            let kept = try await withThrowingTaskGroup(of: UUID?.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await RecoveryCapitalService(
                            Request(application: app, on: app.eventLoopGroup.next()), actor: actor
                        ).save(participant.id!, answers: full, complete: true, formKey: other).id
                    }
                }
                return try await group.reduce(into: Set<UUID?>()) { $0.insert($1) }
            }
            #expect(kept.count == 1)
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 2)
            // A draft saved twice at once from one form is one draft.
            let draftKey = UUID().uuidString
            let drafts = try await withThrowingTaskGroup(of: UUID?.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await RecoveryCapitalService(
                            Request(application: app, on: app.eventLoopGroup.next()), actor: actor
                        ).save(
                            participant.id!, answers: [5, nil, 4, nil, nil, nil, nil, nil, nil, nil], complete: false,
                            formKey: draftKey
                        ).id
                    }
                }
                return try await group.reduce(into: Set<UUID?>()) { $0.insert($1) }
            }
            #expect(drafts.count == 1)
            try await RecoveryCapitalAssessment.query(on: app.db).filter(\.$status == .draft).delete()
            // A key that is not one of ours counts as none: each such form is its own.
            for _ in 0..<2 {
                _ = try await own.post(
                    base, pairs: Self.answers(full) + [("action", "complete"), ("form_key", "x")],
                    tokenFrom: base + "/form")
            }
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 4)
        }
    }
}
