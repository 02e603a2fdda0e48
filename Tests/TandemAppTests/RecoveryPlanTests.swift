import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Recovery plans")
struct RecoveryPlanTests {
    static func versions(_ app: Application) async throws -> [RecoveryPlanVersion] {
        try await RecoveryPlanVersion.query(on: app.db).sort(\.$number).all()
    }

    @Test("coach and participant write the plan together; every save is a new version; goals say who wrote them")
    func write() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let base = "/participants/\(participant.id!.uuidString)/plan"
            let coaching = TestBrowser(app)
            try await coaching.signIn(coach)
            let empty = try await coaching.get(base)
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("No plan yet. Start with what matters most"))
            #expect(empty.body.string.contains("href=\"\(base)/edit/values\""))
            #expect(empty.body.string.contains("Housing") && empty.body.string.contains("Leisure and fun"))

            let values = try await coaching.post(
                base + "/edit/values", pairs: [("base", "0"), ("values", "My kids.\nMy health.")],
                tokenFrom: base + "/edit/values")
            #expect(values.status == .seeOther && values.location == base + "?saved=1")
            // Housing is the fourth default domain.
            let housing = base + "/edit/d3"
            let form = try await coaching.get(housing).body.string
            #expect(form.contains("name=\"goal_0_text\"") && form.contains("name=\"goal_0_step_0_what\""))
            let saved = try await coaching.post(
                housing,
                pairs: [
                    ("base", "1"), ("domain", "housing"), ("goal_0_id", ""), ("goal_0_text", "A room of my own"),
                    ("goal_0_why", "Somewhere calm"), ("goal_0_step_0_id", ""),
                    ("goal_0_step_0_what", "Call the housing office"),
                    ("goal_0_step_0_who", "Dana"), ("goal_0_step_0_due", "2026-12-10"),
                    ("goal_0_step_0_status", "in_progress"),
                    ("strengths", "Patient"), ("supports", "Sister Ana"), ("barriers", ""),
                ], tokenFrom: housing)
            #expect(saved.status == .seeOther)
            let own = TestBrowser(app)
            try await own.signIn(person)
            let mineResponse = try await own.get(housing)
            #expect(mineResponse.status == .ok)
            let mine = mineResponse.body.string
            #expect(mine.contains("value=\"A room of my own\""))
            #expect(mine.contains("Written by the coach, Member coach"))
            // The person reads hints written to them, not about "the person".
            #expect(mine.contains("Write your goals in your own words") && !mine.contains("Write goals in the person"))
            #expect(try await coaching.get(housing).body.string.contains("Write goals in the person"))
            let goalID = try #require(try await Self.versions(app).last?.document.domains.first?.goals.first?.id)
            let stepID = try #require(
                try await Self.versions(app).last?.document.domains.first?.goals.first?.steps.first?.id)
            let added = try await own.post(
                housing,
                pairs: [
                    ("base", "2"), ("domain", "housing"), ("goal_0_id", goalID), ("goal_0_text", "A room of my own"),
                    ("goal_0_why", "Somewhere calm"), ("goal_0_step_0_id", stepID),
                    ("goal_0_step_0_what", "Call the housing office"),
                    ("goal_0_step_0_who", "Dana"), ("goal_0_step_0_due", "2026-12-10"),
                    ("goal_0_step_0_status", "done"),
                    ("goal_0_step_1_id", ""), ("goal_0_step_1_what", ""), ("goal_0_step_1_who", ""),
                    ("goal_0_step_1_due", ""),
                    ("goal_1_id", ""), ("goal_1_text", "Cook for my kids on Sundays"), ("goal_1_why", ""),
                    ("goal_1_step_0_id", ""), ("goal_1_step_0_what", ""),
                    ("strengths", "Patient"), ("supports", "Sister Ana"), ("barriers", "Deposit"),
                ], tokenFrom: housing)
            #expect(added.status == .seeOther)
            let all = try await Self.versions(app)
            #expect(all.map(\.number) == [1, 2, 3])
            #expect(all.map(\.editorRole) == ["coach", "coach", "participant"])
            let plan = all[2].document
            #expect(plan.values == "My kids.\nMy health.")
            let section = try #require(plan.domains.first)
            #expect(section.domain == "housing" && section.barriers == "Deposit")
            #expect(section.goals.map(\.text) == ["A room of my own", "Cook for my kids on Sundays"])
            #expect(section.goals.map(\.writtenBy) == ["coach", "participant"])
            #expect(section.goals[0].steps.count == 1 && section.goals[0].steps[0].status == .done)
            #expect(all[2].goalsDone == 1 && all[2].goalsTotal == 2)
            #expect(try await coaching.get("/").body.string.contains("<td data-label=\"Goals done\">1/2</td>"))
            // The first version is kept as it was.
            #expect(all[0].document.domains.isEmpty)

            // Saving what is already there adds no version.
            _ = try await coaching.post(
                base + "/edit/values", pairs: [("base", "3"), ("values", "My kids.\nMy health.")],
                tokenFrom: base + "/edit/values")
            #expect(try await Self.versions(app).count == 3)
            // A save from a page opened before someone else's save is refused, not merged; what
            // was typed comes back on top of the newest version, to check and save again.
            let stale = try await coaching.post(
                base + "/edit/values", pairs: [("base", "2"), ("values", "Overwritten")],
                tokenFrom: base + "/edit/values")
            #expect(stale.status == .conflict && stale.body.string.contains(">Overwritten</textarea>"))
            #expect(stale.body.string.contains("name=\"base\" value=\"3\""))
            #expect(try await Self.versions(app).count == 3)
            // A step with a who but no what is named; nothing is saved.
            let wrong = try await coaching.post(
                housing,
                pairs: [
                    ("base", "3"), ("domain", "housing"), ("goal_0_id", goalID), ("goal_0_text", "A room of my own"),
                    ("goal_0_step_0_id", ""), ("goal_0_step_0_what", ""), ("goal_0_step_0_who", "Dana"),
                    ("goal_0_step_0_due", "someday"),
                ], tokenFrom: housing)
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Say what the step is, or clear the step."))
            #expect(wrong.body.string.contains("href=\"#goal_0_step_0_due\""))
            #expect(try await Self.versions(app).count == 3)
            // A new goal left blank under a step written for it is named, not dropped with the step.
            let forgotten = try await coaching.post(
                housing,
                pairs: [
                    ("base", "3"), ("domain", "housing"), ("goal_0_id", goalID), ("goal_0_text", "A room of my own"),
                    ("goal_1_id", ""), ("goal_1_text", ""), ("goal_1_step_0_id", ""),
                    ("goal_1_step_0_what", "Call the housing office"),
                ], tokenFrom: housing)
            #expect(forgotten.status == .unprocessableEntity)
            #expect(forgotten.body.string.contains("href=\"#goal_1_text\""))
            #expect(forgotten.body.string.contains("Call the housing office"))
            #expect(try await Self.versions(app).count == 3)

            // Clearing a goal removes it; a goal the form does not show stays.
            let cookID = try #require(
                try await Self.versions(app).last?.document.domains.first?.goals.first { $0.id != goalID }?.id)
            _ = try await coaching.post(
                housing,
                pairs: [
                    ("base", "3"), ("domain", "housing"), ("goal_0_id", goalID), ("goal_0_text", ""),
                    ("strengths", "Patient"),
                ], tokenFrom: housing)
            #expect(try await Self.versions(app).last?.document.domains.first?.goals.map(\.id) == [cookID])
            _ = try await coaching.post(
                housing,
                pairs: [
                    ("base", "4"), ("domain", "housing"), ("goal_0_id", cookID), ("goal_0_text", ""),
                    ("strengths", "Patient"),
                ], tokenFrom: housing)
            #expect(try await Self.versions(app).last?.document.domains.first?.goals.isEmpty == true)

            let page = try await own.get(base).body.string
            #expect(page.contains("class=\"print-only\""))
            #expect(page.contains("id=\"plan-versions-link\""))
            let actions = try await app.auditActions()
            #expect(actions.filter { $0 == "plan.update" }.count == 5)
            #expect(actions.contains("plan.view"))
        }
    }

    @Test(
        "both sign a version to agree it; a later change needs agreeing again; earlier versions compare with the current"
    )
    func agree() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let base = "/participants/\(participant.id!.uuidString)/plan"
            let coaching = TestBrowser(app)
            try await coaching.signIn(coach)
            _ = try await coaching.post(
                base + "/edit/values", pairs: [("base", "0"), ("values", "Family")], tokenFrom: base + "/edit/values")
            // An empty name is refused.
            let unnamed = try await coaching.post(
                base + "/signatures", pairs: [("number", "1"), ("signer", "coach"), ("typed_name", " ")],
                tokenFrom: base)
            #expect(unnamed.status == .unprocessableEntity)
            let signed = try await coaching.post(
                base + "/signatures", pairs: [("number", "1"), ("signer", "coach"), ("typed_name", "Casey Coach")],
                tokenFrom: base)
            #expect(signed.location == base + "?signed=1")
            // The coach cannot sign as the participant from their own account without saying in person...
            let own = TestBrowser(app)
            try await own.signIn(person)
            #expect(try await own.get(base).body.string.contains("id=\"agree-plan\""))
            // ...and the participant cannot sign as the coach.
            let asCoach = try await own.post(
                base + "/signatures", pairs: [("number", "1"), ("signer", "coach"), ("typed_name", "Dana")],
                tokenFrom: base)
            #expect(asCoach.status == .forbidden)
            _ = try await own.post(
                base + "/signatures",
                pairs: [("number", "1"), ("signer", "participant"), ("typed_name", "Dana Reyes")],
                tokenFrom: base)
            let agreed = try await own.get(base).body.string
            #expect(element("plan-agreement-state", in: agreed)?.contains("Agreed") == true)
            #expect(!agreed.contains("id=\"agree-plan\""))
            #expect(try await RecoveryPlanSignature.query(on: app.db).count() == 2)
            // Signing an old number after a change is refused.
            _ = try await own.post(
                base + "/edit/values", pairs: [("base", "1"), ("values", "Family and music")],
                tokenFrom: base + "/edit/values")
            let late = try await coaching.post(
                base + "/signatures", pairs: [("number", "1"), ("signer", "coach"), ("typed_name", "Casey Coach")],
                tokenFrom: base)
            #expect(late.location == base + "?conflict=1")
            #expect(
                element("plan-agreement-state", in: try await own.get(base).body.string)?.contains("Not agreed yet")
                    == true)
            // The coach records the participant's in-person signature on version 2.
            _ = try await coaching.post(
                base + "/signatures",
                pairs: [
                    ("number", "2"), ("signer", "participant"), ("in_person", "yes"), ("typed_name", "Dana Reyes"),
                ],
                tokenFrom: base)
            let inPerson = try #require(
                try await RecoveryPlanSignature.query(on: app.db).filter(\.$inPerson == true).first())
            #expect(inPerson.signer == "participant" && inPerson.userID == coach.user.id)

            let first = try await coaching.get(base + "/versions/1").body.string
            #expect(element("plan-agreement-state", in: first)?.contains("Agreed") == true)
            #expect(
                first.contains(
                    "<del><span class=\"badge attention\">Removed</span> What matters most to me: Family</del>"))
            #expect(
                first.contains(
                    "<ins><span class=\"badge success\">Added</span> What matters most to me: Family and music</ins>"))
            #expect(!first.contains("/plan/edit/"))
            let list = try await coaching.get(base + "/versions").body.string
            #expect(list.contains("href=\"\(base)/versions/2\"") && list.contains("href=\"\(base)/versions/1\""))
            #expect(try await coaching.get(base + "/versions/9").status == .notFound)
            // The FHIR export carries the plan; version 2 has only the participant's signature so
            // far, so the CarePlan is still a draft.
            let fhir = try await own.get("/participants/\(participant.id!.uuidString)/fhir.json")
            #expect(fhir.status == .ok && fhir.headers.contentType?.subType == "fhir+json")
            let bundle = try #require(
                try JSONSerialization.jsonObject(with: Data(fhir.body.readableBytesView)) as? [String: Any])
            let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
            let carePlan = try #require(resources.first { $0["resourceType"] as? String == "CarePlan" })
            #expect(carePlan["status"] as? String == "draft" && carePlan["intent"] as? String == "plan")
            #expect(carePlan["description"] as? String == "Family and music")
            #expect(try await app.auditActions().contains("participant.export_fhir"))
            // Three signatures, and the refusal of the participant signing as the coach.
            #expect(try await app.auditActions().filter { $0 == "plan.sign" }.count == 4)
        }
    }

    @Test("a goal written while the other's form was open is kept when that form is saved again")
    func keepsGoalsWrittenMeanwhile() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let family = "/participants/\(participant.id!.uuidString)/plan/edit/d6"
            let coaching = try await TestBrowser.signedIn(app, coach)
            let own = try await TestBrowser.signedIn(app, person)
            // Both open the section on the empty plan; the coach saves a goal first.
            let first = try await coaching.post(
                family, pairs: [("base", "0"), ("goal_0_id", ""), ("goal_0_text", "Join the parents group")],
                tokenFrom: family)
            #expect(first.status == .seeOther)
            // The person's form, opened before, adds theirs: refused, shown on top of the newest.
            let late = try await own.post(
                family, pairs: [("base", "0"), ("goal_0_id", ""), ("goal_0_text", "An evening a week for me")],
                tokenFrom: family)
            #expect(late.status == .conflict)
            let shown = late.body.string
            #expect(shown.contains("Join the parents group") && shown.contains("An evening a week for me"))
            // Sent again as shown, both goals stay, each with its writer.
            let coachGoal = try #require(
                try await Self.versions(app).last?.document.domains.first?.goals.first)
            let again = try await own.post(
                family,
                pairs: [
                    ("base", "1"), ("goal_0_id", coachGoal.id), ("goal_0_text", coachGoal.text),
                    ("goal_1_id", ""), ("goal_1_text", "An evening a week for me"),
                ], tokenFrom: family)
            #expect(again.status == .seeOther)
            let goals = try #require(try await Self.versions(app).last?.document.domains.first?.goals)
            #expect(goals.map(\.text) == ["Join the parents group", "An evening a week for me"])
            #expect(goals.map(\.writtenBy) == ["coach", "participant"])
        }
    }

    @Test("a supervisor reads the plan but does not write or sign it")
    func supervisor() async throws {
        try await withTandem { app in
            let (admin, _, _, participant) = try await app.checkInPeople()
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "sup@example.org")
            let base = "/participants/\(participant.id!.uuidString)/plan"
            let browser = TestBrowser(app)
            try await browser.signIn(supervisor)
            let page = try await browser.get(base)
            #expect(page.status == .ok && !page.body.string.contains("/plan/edit/"))
            #expect(try await browser.get(base + "/edit/values").status == .forbidden)
            let csrf = try await browser.token(from: base)
            let posted = try await browser.post(
                base + "/edit/values", pairs: [("base", "0"), ("values", "X"), ("_csrf", csrf)], tokenFrom: base)
            #expect(posted.status == .forbidden)
            #expect(try await RecoveryPlanVersion.query(on: app.db).count() == 0)
        }
    }

    @Test("an organization edits its life domains; standard ones stay bilingual, its own read as written")
    func domains() async throws {
        try await withTandem { app in
            let (admin, coach, _, participant) = try await app.checkInPeople()
            let base = "/participants/\(participant.id!.uuidString)/plan"
            let coaching = TestBrowser(app)
            try await coaching.signIn(coach)
            _ = try await coaching.post(
                base + "/edit/d10", pairs: [("base", "0"), ("domain", "leisure"), ("strengths", "Plays guitar")],
                tokenFrom: base + "/edit/d10")
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let settings = try await browser.get("/admin/settings").body.string
            #expect(settings.contains("Recovery and substance use\nPhysical health"))
            let tooMany = (1...31).map { "Area \($0)" }.joined(separator: "\n")
            let refused = try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "988", "plan_domains": tooMany],
                tokenFrom: "/admin/settings")
            #expect(refused.status == .unprocessableEntity)
            // A domain listed twice is named, not dropped unseen.
            let twice = try await browser.post(
                "/admin/settings",
                ["name": "Riverbend", "crisis_line": "988", "plan_domains": "Vivienda\nPets\n\nLEGAL\nPets"],
                tokenFrom: "/admin/settings")
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("“Pets” names a life domain"))
            let saved = try await browser.post(
                "/admin/settings",
                ["name": "Riverbend", "crisis_line": "988", "plan_domains": "Vivienda\nPets\n\nLEGAL"],
                tokenFrom: "/admin/settings")
            #expect(saved.status == .ok)
            #expect(
                try await Organization.find(admin.organization.id, on: app.db)?.planDomains == "housing\nPets\nlegal")
            let plan = try await coaching.get(base).body.string
            #expect(plan.contains(">Housing</h2>") && plan.contains(">Pets</h2>") && plan.contains(">Legal</h2>"))
            // A section of a domain the organization dropped stays, after the others.
            #expect(plan.contains(">Leisure and fun</h2>") && plan.contains("Plays guitar"))
            #expect(!plan.contains(">Finances</h2>"))
            #expect(try await coaching.get(base + "/edit/d3").body.string.contains("<h1>Leisure and fun</h1>"))
            // A form opened before the list changed names its domain: what it says goes there,
            // not to whatever domain now has its place in the list.
            let latest = try await RecoveryPlanVersion.query(on: app.db).count()
            let moved = try await coaching.post(
                base + "/edit/d0",
                pairs: [("base", "\(latest)"), ("domain", "legal"), ("strengths", "Knows a lawyer")],
                tokenFrom: base + "/edit/d0")
            #expect(moved.status == .seeOther)
            let sections = try #require(try await Self.versions(app).last?.document.domains)
            #expect(sections.first { $0.domain == "legal" }?.strengths == "Knows a lawyer")
            #expect(sections.first { $0.domain == "housing" } == nil)
            // An address the plan does not have is not found, and saves nothing.
            let before = try await RecoveryPlanVersion.query(on: app.db).count()
            let nowhere = try await coaching.post(
                base + "/edit/d99", pairs: [("base", "1"), ("strengths", "x")], tokenFrom: base + "/edit/d3")
            #expect(nowhere.status == .notFound)
            #expect(try await RecoveryPlanVersion.query(on: app.db).count() == before)
            // Setting the standard list back stores it as the default.
            let standard = LifeDomain.defaultList.map { "domain_" + $0 }.map { key in
                app.tandem.messages[.en]?.messages[key] ?? key
            }.joined(separator: "\n")
            _ = try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "988", "plan_domains": standard],
                tokenFrom: "/admin/settings")
            #expect(try await Organization.find(admin.organization.id, on: app.db)?.planDomains == "")
        }
    }
}
