import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Recovery plan and BARC-10 API")
struct PlanAPITests {
    @Test(
        "the coach saves the plan, the participant changes it keeping ids and authors, both sign; stale saves get 409")
    func plan() async throws {
        try await withTandem { app in
            let (_, coach, person, participant) = try await app.checkInPeople()
            let path = "/participants/\(participant.id!.uuidString)/plan"
            let coachClient = try await APIClient.signIn(app, coach)
            let (empty, none) = try await coachClient.send(.GET, path)
            #expect(empty.status == .ok && none["version"] as? Int == 0)
            let first = #"""
                {"base":0,"values":"My kids","domains":[{"domain":"housing","goals":[{"text":"A room of my own",
                "steps":[{"what":"Call the housing office","due":"2026-12-10","status":"in_progress"},{"what":"  "}]},
                {"text":""}],"strengths":"Patient"}],"wellness":{"triggers":"Paydays"}}
                """#
            let (saved, plan) = try await coachClient.send(.PUT, path, json: first)
            #expect(saved.status == .ok && plan["version"] as? Int == 1)
            let domains = try #require(plan["domains"] as? [[String: Any]])
            let goal = try #require((domains.first?["goals"] as? [[String: Any]])?.first)
            #expect(goal["writtenBy"] as? String == "coach" && (goal["steps"] as? [[String: Any]])?.count == 1)
            let goalID = try #require(goal["id"] as? String)

            let phone = try await APIClient.signIn(app, person)
            let second = #"""
                {"base":1,"values":"My kids","domains":[{"domain":"housing","goals":[{"id":"\#(goalID)","text":"A room of my own, by spring"},
                {"text":"Cook on Sundays"}]}]}
                """#
            let (changed, now) = try await phone.send(.PUT, path, json: second)
            #expect(changed.status == .ok && now["version"] as? Int == 2)
            let goals = try #require(((now["domains"] as? [[String: Any]])?.first?["goals"]) as? [[String: Any]])
            #expect(goals.map { $0["writtenBy"] as? String } == ["coach", "participant"])
            #expect(goals.first?["id"] as? String == goalID)
            // A save from version 1 after version 2 is refused.
            #expect(
                try await coachClient.send(
                    .PUT, path, json: first.replacingOccurrences(of: "\"base\":0", with: "\"base\":1")
                ).0.status == .conflict)
            // Invalid text is named.
            let (bad, problem) = try await coachClient.send(
                .PUT, path,
                json:
                    #"{"base":2,"domains":[{"domain":"housing","goals":[{"text":"x","steps":[{"what":"y","due":"2026-02-30"}]}]}]}"#
            )
            #expect(bad.status == .unprocessableEntity && (problem["errors"] as? [[String: Any]])?.isEmpty == false)
            #expect(try await RecoveryPlanVersion.query(on: app.db).count() == 2)

            let (coachSigned, _) = try await coachClient.send(
                .POST, path + "/signatures", json: #"{"version":2,"signer":"coach","typedName":"Casey Coach"}"#)
            #expect(coachSigned.status == .ok)
            let (bothSigned, agreed) = try await phone.send(
                .POST, path + "/signatures", json: #"{"version":2,"signer":"participant","typedName":"Dana Reyes"}"#)
            #expect(bothSigned.status == .ok && agreed["agreed"] as? Bool == true)
            #expect((agreed["signatures"] as? [[String: Any]])?.count == 2)
            #expect(
                try await phone.send(
                    .POST, path + "/signatures", json: #"{"version":2,"signer":"participant","typedName":"Dana Reyes"}"#
                ).0.status == .conflict)
        }
    }

    @Test("BARC-10 through the API: a draft, then a total; out-of-range answers are refused")
    func barc() async throws {
        try await withTandem { app in
            let (_, _, person, participant) = try await app.checkInPeople()
            let path = "/participants/\(participant.id!.uuidString)/recovery-capital"
            let phone = try await APIClient.signIn(app, person)
            let (draft, kept) = try await phone.send(
                .POST, path, json: #"{"answers":[5,5,5,null,5,5,5,5,5,5],"complete":false}"#)
            #expect(draft.status == .created && kept["status"] as? String == "draft" && kept["total"] == nil)
            #expect(
                try await phone.send(.POST, path, json: #"{"answers":[5,5,5,null,5,5,5,5,5,5]}"#).0.status
                    == .unprocessableEntity)
            #expect(
                try await phone.send(.POST, path, json: #"{"answers":[5,5,5,7,5,5,5,5,5,5]}"#).0.status
                    == .unprocessableEntity)
            #expect(try await phone.send(.POST, path, json: #"{"answers":[5,5,5]}"#).0.status == .unprocessableEntity)
            let (done, scored) = try await phone.send(.POST, path, json: #"{"answers":[5,5,5,4,5,5,5,5,5,5]}"#)
            #expect(
                done.status == .created && scored["total"] as? Int == 49 && scored["status"] as? String == "completed")
            #expect(scored["id"] as? String == kept["id"] as? String)
            let (history, body) = try await phone.send(.GET, path)
            #expect(history.status == .ok && (body["scored"] as? [[String: Any]])?.count == 1)
            #expect(body["referenceTotal"] as? Int == 47 && body["draft"] == nil)
        }
    }
}
