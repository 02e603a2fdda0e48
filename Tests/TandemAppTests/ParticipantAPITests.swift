import Fluent
import Foundation
import NIOCore
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// A small JSON client for the API with one bearer token.
struct APIClient {
    let app: Application
    let token: String

    static func signIn(_ app: Application, _ account: Account) async throws -> APIClient {
        APIClient(app: app, token: try await APITests.token(app, account))
    }

    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, headers extra: HTTPHeaders = [:]) async throws
        -> (TestingHTTPResponse, [String: Any])
    {
        var headers = extra
        headers.replaceOrAdd(name: .authorization, value: "Bearer \(token)")
        if json != nil { headers.contentType = .json }
        let response = try await app.testing().sendRequest(
            method, "/api/v1" + path, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
        return (response, object)
    }
}

let newParticipantJSON = """
    {"profile":{"preferredName":"Ana Núñez","pronouns":"she/her","language":"es","pathways":["twelve_step","harm_reduction"],
    "contactMethods":["text"],"dateOfBirth":"1988-07-01"},
    "engagement":{"serviceType":"virtual_coaching","referralSource":"treatment_center","funding":"grant"}}
    """

@Suite("Participant API")
struct ParticipantAPITests {
    @Test("a coach creates, reads, changes and lists participants; Idempotency-Key makes a retry safe")
    func lifecycle() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let client = try await APIClient.signIn(app, coach)
            let key: HTTPHeaders = ["Idempotency-Key": "create-ana-1"]
            let (created, body) = try await client.send(.POST, "/participants", json: newParticipantJSON, headers: key)
            #expect(created.status == .created)
            let id = try #require(body["id"] as? String)
            let (retried, again) = try await client.send(.POST, "/participants", json: newParticipantJSON, headers: key)
            #expect(retried.status == .created && again["id"] as? String == id)
            #expect(try await Participant.query(on: app.db).count() == 1)
            let (misused, problem) = try await client.send(
                .POST, "/participants", json: newParticipantJSON.replacingOccurrences(of: "Ana", with: "Eva"),
                headers: key)
            #expect(
                misused.status == .unprocessableEntity
                    && (problem["detail"] as? String)?.contains("Idempotency") == true)
            let (_, noKey) = try await client.send(.POST, "/participants", json: newParticipantJSON)
            #expect(noKey["id"] as? String != id)
            #expect(try await Participant.query(on: app.db).count() == 2)

            let engagements = try #require(body["engagements"] as? [[String: Any]])
            #expect(engagements.first?["serviceType"] as? String == "virtual_coaching")
            let profile = try #require(body["profile"] as? [String: Any])
            #expect(profile["pathways"] as? [String] == ["twelve_step", "harm_reduction"])

            let (updated, changed) = try await client.send(
                .PUT, "/participants/\(id)", json: #"{"preferredName":"Ana N.","strengths":"Music"}"#)
            #expect(updated.status == .ok && (changed["profile"] as? [String: Any])?["strengths"] as? String == "Music")
            let (bad, invalid) = try await client.send(
                .PUT, "/participants/\(id)", json: #"{"preferredName":"","dateOfBirth":"2999-01-01"}"#)
            #expect(bad.status == .unprocessableEntity)
            let fields = (invalid["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains("preferredName") && fields.contains("dateOfBirth"))
            #expect(try await Participant.find(UUID(uuidString: id), on: app.db)?.preferredName == "Ana N.")

            let (list, page) = try await client.send(.GET, "/participants?q=ana")
            #expect(list.status == .ok && (page["items"] as? [[String: Any]])?.count == 2)
            let (caseload, engagementsPage) = try await client.send(.GET, "/engagements")
            #expect(caseload.status == .ok && (engagementsPage["items"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("engagement status, coaches and signatures through the API")
    func engagementFlow() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let member = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (person, engagement) = try await app.makeParticipant(
                "Jamie", in: admin.organization, coach: coach.user, user: member.user)
            let path = "/engagements/\(engagement.id!.uuidString)"
            let coachClient = try await APIClient.signIn(app, coach)
            let (paused, pausedBody) = try await coachClient.send(
                .POST, path + "/status", json: #"{"status":"paused"}"#)
            #expect(paused.status == .ok && pausedBody["status"] as? String == "paused")
            let (refused, _) = try await coachClient.send(.POST, path + "/status", json: #"{"status":"referred"}"#)
            #expect(refused.status == .conflict)
            let (noReason, _) = try await coachClient.send(.POST, path + "/status", json: #"{"status":"closed"}"#)
            #expect(noReason.status == .unprocessableEntity)
            let (signed, agreement) = try await coachClient.send(
                .POST, path + "/signatures", json: #"{"signer":"coach","typedName":"Casey Coach","version":1}"#,
                headers: ["Idempotency-Key": "sign-1"])
            #expect(signed.status == .created && (agreement["signatures"] as? [Any])?.count == 1)
            let (replayed, _) = try await coachClient.send(
                .POST, path + "/signatures", json: #"{"signer":"coach","typedName":"Casey Coach","version":1}"#,
                headers: ["Idempotency-Key": "sign-1"])
            #expect(replayed.status == .created)
            let participantClient = try await APIClient.signIn(app, member)
            let (own, _) = try await participantClient.send(
                .POST, path + "/signatures", json: #"{"signer":"participant","typedName":"Jamie Okafor","version":1}"#)
            #expect(own.status == .created)
            let (read, document) = try await participantClient.send(.GET, path + "/agreement")
            #expect(read.status == .ok && document["complete"] as? Bool == true)
            let (coachesRefused, _) = try await coachClient.send(
                .PUT, path + "/coaches", json: "{\"primaryCoachId\":\"\(other.user.id!.uuidString)\"}")
            #expect(coachesRefused.status == .forbidden)
            let adminClient = try await APIClient.signIn(app, admin)
            let (moved, movedBody) = try await adminClient.send(
                .PUT, path + "/coaches", json: "{\"primaryCoachId\":\"\(other.user.id!.uuidString)\"}")
            #expect(
                moved.status == .ok
                    && (movedBody["coaches"] as? [[String: Any]])?.first?["name"] as? String == "Member coach")
            #expect(try await coachClient.send(.GET, "/participants/\(person.id!.uuidString)").0.status == .forbidden)
            let (history, entries) = try await participantClient.send(
                .GET, "/participants/\(person.id!.uuidString)/access-history")
            #expect(history.status == .ok && ((entries["items"] as? [Any])?.count ?? 0) > 3)
        }
    }

    @Test("anonymous callers, other organizations, other coaches and other participants get no data")
    func matrix() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let stranger = try await app.addMember(.coach, to: admin.organization, email: "stranger@example.org")
            let otherPerson = try await app.addMember(.participant, to: admin.organization, email: "o@example.org")
            let family = try await app.addMember(.family, to: admin.organization, email: "f@example.org")
            let partner = try await app.addMember(.partner, to: admin.organization, email: "pa@example.org")
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.org")
            let (person, engagement) = try await app.makeParticipant(
                "Secret Name", in: admin.organization, coach: coach.user)
            try await app.makeParticipant("Other", in: admin.organization, coach: coach.user, user: otherPerson.user)
            let pid = person.id!.uuidString
            let eid = engagement.id!.uuidString
            let profile = #"{"preferredName":"Changed"}"#
            let requests: [(HTTPMethod, String, String?)] = [
                (.GET, "/participants/\(pid)", nil), (.PUT, "/participants/\(pid)", profile),
                (.DELETE, "/participants/\(pid)", nil), (.GET, "/participants/\(pid)/access-history", nil),
                (
                    .POST, "/participants/\(pid)/engagements",
                    #"{"serviceType":"sober_escort","referralSource":"court","funding":"grant"}"#
                ),
                (.GET, "/engagements/\(eid)", nil), (.POST, "/engagements/\(eid)/status", #"{"status":"paused"}"#),
                (.PUT, "/engagements/\(eid)/coaches", "{\"primaryCoachId\":\"\(stranger.user.id!.uuidString)\"}"),
                (.GET, "/engagements/\(eid)/agreement", nil),
                (.POST, "/engagements/\(eid)/signatures", #"{"signer":"coach","typedName":"X","version":1}"#),
            ]
            let anonymous = APIClient(app: app, token: "tdm_not_a_token")
            let callers: [(String, APIClient, Set<UInt>)] = [
                ("anonymous", anonymous, [401]),
                ("other organization", try await APIClient.signIn(app, elsewhere), [404]),
                ("coach not on the engagement", try await APIClient.signIn(app, stranger), [403]),
                ("another participant", try await APIClient.signIn(app, otherPerson), [403]),
                ("family", try await APIClient.signIn(app, family), [403]),
                ("partner", try await APIClient.signIn(app, partner), [403]),
            ]
            for (who, client, allowed) in callers {
                for (method, path, json) in requests {
                    let (response, _) = try await client.send(method, path, json: json)
                    #expect(allowed.contains(response.status.code), "\(who) \(method) \(path) → \(response.status)")
                    #expect(!response.body.string.contains("Secret Name"), "\(who) \(method) \(path)")
                }
                for path in ["/participants?q=sec", "/engagements"] {
                    let (response, _) = try await client.send(.GET, path)
                    #expect(!response.body.string.contains("Secret Name"), "\(who) \(path)")
                }
            }
            #expect(try await Participant.find(person.id, on: app.db)?.preferredName == "Secret Name")
            #expect(try await Engagement.query(on: app.db).count() == 2)
            #expect(try await AgreementSignature.query(on: app.db).count() == 0)
        }
    }
}

@Suite("Idempotency-Key")
struct IdempotencyTests {
    @Test("a retry reads the record again: nothing after a delete, and only what the caller may still see")
    func replayIsReadAgain() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let client = try await APIClient.signIn(app, coach)
            let key: HTTPHeaders = ["Idempotency-Key": "create-1"]
            let (first, body) = try await client.send(.POST, "/participants", json: newParticipantJSON, headers: key)
            #expect(first.status == .created)
            let id = try #require(body["id"] as? String)
            let engagementID = try #require((body["engagements"] as? [[String: Any]])?.first?["id"] as? String)
            let stored = try #require(try await IdempotencyRecord.query(on: app.db).first())
            #expect(stored.responseBody == id)

            let adminClient = try await APIClient.signIn(app, admin)
            let (moved, _) = try await adminClient.send(
                .PUT, "/engagements/\(engagementID)/coaches",
                json: "{\"primaryCoachId\":\"\(other.user.id!.uuidString)\"}")
            #expect(moved.status == .ok)
            let (noLonger, _) = try await client.send(.POST, "/participants", json: newParticipantJSON, headers: key)
            #expect(noLonger.status == .forbidden && !noLonger.body.string.contains("Ana Núñez"))

            #expect(try await adminClient.send(.DELETE, "/participants/\(id)").0.status == .noContent)
            let (gone, _) = try await client.send(.POST, "/participants", json: newParticipantJSON, headers: key)
            #expect(gone.status == .notFound && !gone.body.string.contains("Ana Núñez"))
            #expect(try await Participant.query(on: app.db).count() == 0)
        }
    }

    @Test("a refused create frees the key; a key reused for another request or malformed is refused")
    func refusalsAndReservations() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let client = try await APIClient.signIn(app, coach)
            let key: HTTPHeaders = ["Idempotency-Key": "k-2"]
            let invalid = newParticipantJSON.replacingOccurrences(of: "1988-07-01", with: "2999-01-01")
            #expect(
                try await client.send(.POST, "/participants", json: invalid, headers: key).0.status
                    == .unprocessableEntity)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 0)
            let reserved = IdempotencyRecord()
            reserved.userID = coach.user.id!
            reserved.key = "k-3"
            reserved.operation = "createParticipant"
            reserved.requestHash = "other"
            reserved.responseStatus = 0
            reserved.responseBody = ""
            try await reserved.create(on: app.db)
            let (busy, _) = try await client.send(
                .POST, "/participants", json: newParticipantJSON, headers: ["Idempotency-Key": "k-3"])
            #expect(busy.status == .unprocessableEntity)
            #expect(
                try await client.send(
                    .POST, "/participants", json: newParticipantJSON, headers: ["Idempotency-Key": "bad key"]
                ).0.status == .badRequest)
        }
    }
}
