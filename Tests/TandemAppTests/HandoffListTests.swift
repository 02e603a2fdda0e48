import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// A liaison's list of referrals: whether each accepted one's status is theirs to see is
/// decided for the whole list at once, each look a disclosure, as on a referral's own page.
@Suite("Hand-off lists")
struct HandoffListTests {
    @Test("the liaison's list shows each accepted referral's status only with consent, each look recorded")
    func sharingAcrossTheList() async throws {
        try await withTandem { app in
            let w = try await HandoffTests.world(app)
            let today = HandoffTests.today(app, w)
            let liaison = try await TestBrowser.signedIn(app, w.partner)
            let admin = try await TestBrowser.signedIn(app, w.admin)
            for (name, consent) in [("Ana Ruiz", true), ("Ben Ortiz", true), ("Cy Lam", false)] {
                var fields = HandoffTests.referral(discharge: today.adding(days: 3)!, consent: consent)
                fields["preferred_name"] = name
                if consent { fields["consent_signed_name"] = name }
                let response = try await liaison.post("/handoffs", fields, tokenFrom: "/handoffs/new")
                #expect(response.status == .seeOther)
                let handoff = try #require(
                    try await Handoff.query(on: app.db).filter(\.$preferredName == name).first())
                let page = "/handoffs/\(handoff.id!)"
                let accepted = try await admin.post(
                    "\(page)/accept", HandoffTests.acceptance(coach: w.coach.user, date: today.adding(days: 2)!),
                    tokenFrom: page)
                #expect(accepted.status == .seeOther)
            }
            let disclosures = try await Disclosure.query(on: app.db).count()
            let looks = try await AuditEvent.query(on: app.db).filter(\.$action == "disclosure.view").count()

            let page = try await liaison.get("/handoffs").body.string
            let list = listSection("handoffs-decided", in: page)
            for name in ["Ana Ruiz", "Ben Ortiz"] {
                let line = try #require(list.components(separatedBy: "<li>").first { $0.contains(name) })
                #expect(line.contains("status-accepted\">Accepted"), "\(name): \(line)")
            }
            // Without consent, the decision is out of the liaison's sight: still under "waiting".
            let waiting = listSection("handoffs-waiting", in: page)
            let hidden = try #require(waiting.components(separatedBy: "<li>").first { $0.contains("Cy Lam") })
            #expect(hidden.contains("status-not_shared\">Not shared"))
            // Two people's status shown: two disclosures, two looks audited, each naming its person.
            #expect(try await Disclosure.query(on: app.db).count() == disclosures + 2)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "disclosure.view").all()
            #expect(audited.count == looks + 2)
            let named = try await Handoff.query(on: app.db).filter(\.$preferredName ~~ ["Ana Ruiz", "Ben Ortiz"]).all()
            #expect(Set(audited.suffix(2).compactMap(\.participantID)) == Set(named.compactMap(\.participantID)))

            // The API's list answers the same.
            let token = try await APITests.token(app, w.partner)
            let api = try await app.testing().sendRequest(
                .GET, "/api/v1/handoffs", headers: ["Authorization": "Bearer \(token)"])
            let items = try #require(
                (try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as? [String: Any])?["items"]
                    as? [[String: Any]])
            let shared = Dictionary(
                uniqueKeysWithValues: items.map { ($0["preferredName"] as? String ?? "", $0["statusShared"] as? Bool) })
            #expect(shared == ["Ana Ruiz": true, "Ben Ortiz": true, "Cy Lam": false])
        }
    }
}
