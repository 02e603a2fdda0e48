import Fluent
import Foundation
import Testing
import VaporTesting

@testable import TandemApp

/// An admin keeping the list of people right: roles, people who left, invitations waiting.
@Suite("Managing members")
struct MemberManagementTests {
    static func inviteLink(_ browser: TestBrowser, _ email: String, as role: String) async throws -> String {
        let page = try await browser.post(
            "/admin/invitations", ["email": email, "role": role], tokenFrom: "/admin/members")
        let link = try #require(element("invite-link", in: page.body.string))
        return String(link[link.range(of: "/invite/")!.lowerBound...])
    }

    @Test("an admin changes a staff member's role and removes someone who left; never themself or a participant")
    func rolesAndRemoval() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let busy = try await app.addMember(.coach, to: admin.organization, email: "busy@example.org")
            let leaving = try await app.addMember(.coach, to: admin.organization, email: "leaving@example.org")
            let person = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            try await app.makeParticipant("Rosa", in: admin.organization, coach: busy.user, user: person.user)
            func membership(_ account: Account) async throws -> Membership? {
                try await Membership.query(on: app.db).filter(\.$user.$id == account.user.id!)
                    .filter(\.$organization.$id == admin.organization.id!).first()
            }
            let busyID = try #require(try await membership(busy)?.id)
            let leavingID = try #require(try await membership(leaving)?.id)
            let personID = try #require(try await membership(person)?.id)
            let adminID = try #require(try await membership(admin)?.id)

            let browser = try await TestBrowser.signedIn(app, admin)
            let page = try await browser.get("/admin/members").body.string
            #expect(page.contains("id=\"remove-\(leavingID)\"") && page.contains("id=\"role-form-\(leavingID)\""))
            #expect(!page.contains("id=\"remove-\(adminID)\"") && !page.contains("id=\"remove-\(personID)\""))
            #expect(!page.contains("id=\"role-form-\(personID)\""))

            // A coach may not; nor may the admin act on themself or on a participant's sign-in.
            let coachBrowser = try await TestBrowser.signedIn(app, leaving)
            #expect(
                try await coachBrowser.post(
                    "/admin/members/\(busyID)/role", ["role": "admin"], tokenFrom: "/"
                ).status == .forbidden)
            for (id, role) in [(adminID, "coach"), (personID, "coach")] {
                let refused = try await browser.post(
                    "/admin/members/\(id)/role", ["role": role], tokenFrom: "/admin/members")
                #expect(refused.status == .forbidden)
            }
            #expect(try await browser.get("/admin/members/\(personID)/remove").status == .forbidden)
            #expect(try await membership(admin)?.role == .admin)

            // A coach becomes a supervisor: from their next page they see the members list.
            #expect(try await coachBrowser.get("/admin/members").status == .forbidden)
            let changed = try await browser.post(
                "/admin/members/\(leavingID)/role", ["role": "supervisor"], tokenFrom: "/admin/members")
            #expect(changed.status == .seeOther && changed.location == "/admin/members?done=role")
            #expect(try await membership(leaving)?.role == .supervisor)
            #expect(try await coachBrowser.get("/admin/members").status == .ok)
            #expect(try await browser.get("/admin/members?done=role").body.string.contains("id=\"members-done\""))

            // Someone still coaching stays until their engagements are reassigned.
            let busyPage = try await browser.get("/admin/members/\(busyID)/remove").body.string
            #expect(busyPage.contains("id=\"still-coaching\"") && !busyPage.contains("confirm-remove"))
            let kept = try await browser.post(
                "/admin/members/\(busyID)/remove", [:], tokenFrom: "/admin/members")
            #expect(kept.status == .conflict)
            #expect(try await membership(busy) != nil)

            // Someone who left: asked first, then removed; their session here ends.
            #expect(
                try await browser.get("/admin/members/\(leavingID)/remove").body.string.contains("confirm-remove"))
            let removed = try await browser.post(
                "/admin/members/\(leavingID)/remove", [:], tokenFrom: "/admin/members")
            #expect(removed.status == .seeOther && removed.location == "/admin/members?done=removed")
            #expect(try await membership(leaving) == nil)
            #expect(try await coachBrowser.get("/").status == .seeOther)
            #expect(try await User.find(leaving.user.id!, on: app.db)?.displayName == leaving.user.displayName)
            let actions = try await AuditEvent.query(on: app.db).all(\.$action)
            #expect(actions.contains("membership.role") && actions.contains("membership.remove"))
            // Another organization's admin reaches none of it.
            let other = try await app.makeOrganization("Elsewhere", email: "else@example.org")
            #expect(
                try await TestBrowser.signedIn(app, other).get("/admin/members/\(busyID)/remove").status == .notFound)
        }
    }

    @Test("two admins making each other coaches at the same moment leave the organization an admin")
    func lastAdminRace() async throws {
        try await withTandem { app in
            let first = try await app.makeOrganization()
            let second = try await app.addMember(.admin, to: first.organization, email: "second@example.org")
            func membership(_ account: Account) async throws -> Membership {
                try #require(
                    try await Membership.query(on: app.db).filter(\.$user.$id == account.user.id!)
                        .filter(\.$organization.$id == first.organization.id!).first())
            }
            let firstBrowser = try await TestBrowser.signedIn(app, first)
            let secondBrowser = try await TestBrowser.signedIn(app, second)
            for _ in 0..<4 {
                let (firstID, secondID) = (try await membership(first).id!, try await membership(second).id!)
                async let one = firstBrowser.post(
                    "/admin/members/\(secondID)/role", ["role": "coach"], tokenFrom: "/admin/members")
                async let two = secondBrowser.post(
                    "/admin/members/\(firstID)/role", ["role": "coach"], tokenFrom: "/admin/members")
                let statuses = [try await one.status, try await two.status]
                let admins = try await Membership.query(on: app.db)
                    .filter(\.$organization.$id == first.organization.id!).filter(\.$role == .admin).count()
                #expect(admins == 1, "\(statuses)")
                // The other is refused for what it asks (the last admin), or was already a coach.
                #expect(statuses.filter { $0 == .seeOther }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { [.seeOther, .conflict, .forbidden].contains($0) }, "\(statuses)")
                // Both admins again for the next round.
                for account in [first, second] {
                    let kept = try await membership(account)
                    kept.role = .admin
                    try await kept.save(on: app.db)
                }
            }
        }
    }

    @Test("only the newest invitation of an address works; a waiting one can be withdrawn")
    func invitations() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = try await TestBrowser.signedIn(app, admin)
            let first = try await Self.inviteLink(browser, "new@example.org", as: "coach")
            let second = try await Self.inviteLink(browser, "new@example.org", as: "supervisor")
            #expect(try await TestBrowser(app).get(first).status == .notFound)
            #expect(try await TestBrowser(app).get(second).status == .ok)
            let page = try await browser.get("/admin/members").body.string
            #expect(page.contains("id=\"pending-invitations\""))
            #expect(page.components(separatedBy: "id=\"withdraw-").count - 1 == 1)
            let link = try #require(
                try await OneTimeLink.query(on: app.db).filter(\.$purpose == .invitation).filter(\.$usedAt == nil)
                    .first())
            let withdrawn = try await browser.post(
                "/admin/invitations/\(link.id!)/withdraw", [:], tokenFrom: "/admin/members")
            #expect(withdrawn.status == .seeOther && withdrawn.location == "/admin/members?done=withdrawn")
            #expect(try await TestBrowser(app).get(second).status == .notFound)
            #expect(
                try await browser.post("/admin/invitations/\(link.id!)/withdraw", [:], tokenFrom: "/admin/members")
                    .status == .notFound)
            #expect(!(try await browser.get("/admin/members").body.string.contains("id=\"pending-invitations\"")))
        }
    }
}
