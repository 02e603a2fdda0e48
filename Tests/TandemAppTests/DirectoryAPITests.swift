import Fluent
import Foundation
import TandemKit
import Testing
import Vapor

@testable import TandemApp

@Suite("Resources and referrals in the API")
struct DirectoryAPITests {
    @Test("add, search, change and remove resources; refer, move on and close; follow-ups; refusals")
    func directoryAndReferrals() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let account = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let (rosa, _) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, user: account.user)
            let api = try await APIClient.signIn(app, coach)
            let person = try await APIClient.signIn(app, account)

            let (bad, problem) = try await api.send(
                .POST, "/resources", json: #"{"name":"","categories":["crisis"],"hours":"always","website":"ftp://x"}"#)
            #expect(bad.status == .unprocessableEntity)
            let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(Set(fields) == ["name", "hours", "website"], "\(problem)")
            let (wrongKind, _) = try await api.send(.POST, "/resources", json: #"{"name":"A","categories":["detox"]}"#)
            #expect(wrongKind.status == .badRequest || wrongKind.status == .unprocessableEntity)
            let (made, resource) = try await api.send(
                .POST, "/resources",
                json: """
                    {"name":"Harbor Withdrawal Center","categories":["withdrawal_management"],"latitude":38.7745,
                     "longitude":-75.1393,"hours":"24/7","languages":["en","es"],"costs":["insurance"],
                     "lastVerified":"2026-11-01"}
                    """)
            #expect(made.status == .created && resource["openNow"] as? Bool == true)
            let id = try #require(resource["id"] as? String)
            let (found, list) = try await person.send(.GET, "/resources?category=withdrawal_management&language=es")
            #expect(found.status == .ok && (list["items"] as? [[String: Any]])?.count == 1)
            let (near, nearList) = try await person.send(.GET, "/resources?latitude=38.78&longitude=-75.14&km=5")
            let distance = try #require((nearList["items"] as? [[String: Any]])?.first?["distanceKm"] as? Double)
            #expect(near.status == .ok && distance < 2)
            let (halfPoint, _) = try await person.send(.GET, "/resources?latitude=38.78")
            #expect(halfPoint.status == .unprocessableEntity)
            let (badLanguage, _) = try await person.send(.GET, "/resources?language=Spanish")
            #expect(badLanguage.status == .badRequest)
            let (personAdds, _) = try await person.send(
                .POST, "/resources", json: #"{"name":"A","categories":["food"]}"#)
            #expect(personAdds.status == .forbidden)
            let (changed, changedBody) = try await api.send(
                .PUT, "/resources/\(id)",
                json: #"{"name":"Harbor Center","categories":["withdrawal_management","crisis"]}"#)
            #expect(changed.status == .ok && changedBody["name"] as? String == "Harbor Center")

            let path = "/participants/\(rosa.id!.uuidString)/referrals"
            let (noReason, _) = try await api.send(.POST, path, json: #"{"resourceId":"\#(id)","reason":""}"#)
            #expect(noReason.status == .unprocessableEntity)
            let today = ParticipantService.today(in: admin.organization).description
            let (referred, referral) = try await api.send(
                .POST, path, json: #"{"resourceId":"\#(id)","reason":"Safe withdrawal","followUp":"\#(today)"}"#)
            #expect(referred.status == .created && referral["status"] as? String == "suggested")
            let referralID = try #require(referral["id"] as? String)
            let (due, dueList) = try await api.send(.GET, "/referral-follow-ups")
            #expect(due.status == .ok && (dueList["items"] as? [[String: Any]])?.count == 1)
            let (notAgreed, _) = try await api.send(
                .POST, "/referrals/\(referralID)/steps", json: #"{"status":"contacted"}"#)
            #expect(notAgreed.status == .unprocessableEntity)
            let (moved, movedBody) = try await api.send(
                .POST, "/referrals/\(referralID)/steps", json: #"{"status":"connected","agreed":true,"note":"In"}"#)
            #expect(moved.status == .ok && movedBody["status"] as? String == "connected")
            let (closed, closedBody) = try await api.send(
                .POST, "/referrals/\(referralID)/steps", json: #"{"status":"closed","outcome":"helped"}"#)
            #expect(closed.status == .ok && (closedBody["steps"] as? [[String: Any]])?.count == 3)
            let (again, _) = try await api.send(
                .POST, "/referrals/\(referralID)/steps", json: #"{"status":"declined"}"#)
            #expect(again.status == .conflict)
            let (mine, mineList) = try await person.send(.GET, path)
            #expect(mine.status == .ok && (mineList["items"] as? [[String: Any]])?.count == 1)
            let (personFollowUps, _) = try await person.send(.GET, "/referral-follow-ups")
            #expect(personFollowUps.status == .forbidden)

            // Removing the resource keeps the referral's history with its name.
            let (removed, _) = try await api.send(.DELETE, "/resources/\(id)")
            #expect(removed.status == .noContent)
            let (kept, keptBody) = try await api.send(.GET, "/referrals/\(referralID)")
            #expect(kept.status == .ok && keptBody["resourceName"] as? String == "Harbor Center")
            #expect(keptBody["resourceId"] is NSNull || keptBody["resourceId"] == nil)
            let (gone, _) = try await api.send(.GET, "/resources/\(id)")
            #expect(gone.status == .notFound)
        }
    }

    @Test("the meetings the organization runs, through the API, published in its feed")
    func ownMeetings() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let family = try await app.addMember(.family, to: admin.organization, email: "fam@example.org")
            let api = try await APIClient.signIn(app, coach)
            let (badDays, _) = try await api.send(
                .POST, "/own-meetings", json: #"{"name":"A","days":[1,7],"time":"19:00","address":"1 Main St"}"#)
            #expect(badDays.status == .unprocessableEntity || badDays.status == .badRequest)
            let (nowhere, problem) = try await api.send(
                .POST, "/own-meetings", json: #"{"name":"A","days":[1],"time":"19:00"}"#)
            #expect(nowhere.status == .unprocessableEntity, "\(problem)")
            let (made, meeting) = try await api.send(
                .POST, "/own-meetings",
                json:
                    #"{"name":"Martes en Español","days":[2],"time":"19:00","types":["S","ONL"],"conferenceUrl":"https://meet.example/m"}"#
            )
            #expect(made.status == .created && meeting["attendance"] as? String == "online")
            let id = try #require(meeting["id"] as? String)
            let (changed, changedBody) = try await api.send(
                .PUT, "/own-meetings/\(id)",
                json: #"{"name":"Martes","days":[2,4],"time":"19:30","address":"1 Main St, Lewes DE"}"#)
            #expect(changed.status == .ok && changedBody["days"] as? [Int] == [2, 4])
            #expect(changedBody["slug"] as? String == meeting["slug"] as? String)
            let (list, listBody) = try await api.send(.GET, "/own-meetings")
            #expect(list.status == .ok && (listBody["items"] as? [[String: Any]])?.count == 1)
            #expect(
                (listBody["feedUrl"] as? String)?.hasSuffix("/organizations/\(admin.organization.id!)/meetings.json")
                    == true)
            let feed = try await TestBrowser(app).get("/meetings.json")
            #expect(feed.body.string.contains("\"name\":\"Martes\"") && feed.body.string.contains("\"time\":\"19:30\""))
            let (denied, _) = try await APIClient.signIn(app, family).send(.GET, "/own-meetings")
            #expect(denied.status == .forbidden)
            let (removed, _) = try await api.send(.DELETE, "/own-meetings/\(id)")
            #expect(removed.status == .noContent)
            #expect(try await TestBrowser(app).get("/meetings.json").body.string == "[]")
        }
    }
}
