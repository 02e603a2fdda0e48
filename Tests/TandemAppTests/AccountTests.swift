import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("First-run setup, invitations, resets and passwords")
struct AccountTests {
    @Test("the setup link creates the organization and its admin, once")
    func setupLink() async throws {
        try await withTandem { app in
            let service = AccountService(db: app.db, hasher: app.password.async, settings: app.tandemSettings)
            let token = try await service.issueLink(.setup, validHours: 24)
            let browser = TestBrowser(app)
            let form = try await browser.get("/setup/\(token)")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"org_name\""))
            let fields = [
                "org_name": "Riverbend Recovery", "display_name": "Dana", "email": "Dana@Example.org",
                "password": testPassword,
            ]
            let done = try await browser.post("/setup/\(token)", fields, tokenFrom: "/setup/\(token)")
            #expect(done.status == .seeOther)
            #expect(done.location == "/")
            #expect(try await browser.get("/").body.string.contains("Riverbend Recovery"))
            let membership = try #require(try await Membership.query(on: app.db).first())
            #expect(membership.role == .admin)
            #expect(try await User.query(on: app.db).first()?.email == "dana@example.org")
            #expect(try await TestBrowser(app).get("/setup/\(token)").status == .notFound)
        }
    }

    @Test("setup with bad input explains each field and creates nothing")
    func setupInvalid() async throws {
        try await withTandem { app in
            let service = AccountService(db: app.db, hasher: app.password.async, settings: app.tandemSettings)
            let token = try await service.issueLink(.setup, validHours: 24)
            let browser = TestBrowser(app)
            let response = try await browser.post(
                "/setup/\(token)",
                ["org_name": "", "display_name": "Dana", "email": "not-an-email", "password": "password1"],
                tokenFrom: "/setup/\(token)")
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("href=\"#org_name\""))
            #expect(html.contains("href=\"#email\""))
            #expect(html.contains("too common"))
            #expect(html.contains("value=\"not-an-email\""))
            #expect(try await Organization.query(on: app.db).count() == 0)
        }
    }

    @Test("an expired or unknown setup link is refused")
    func setupExpired() async throws {
        try await withTandem { app in
            let service = AccountService(db: app.db, hasher: app.password.async, settings: app.tandemSettings)
            let token = try await service.issueLink(.setup, validHours: 24)
            let link = try #require(try await OneTimeLink.query(on: app.db).first())
            link.expiresAt = Date().addingTimeInterval(-1)
            try await link.save(on: app.db)
            #expect(try await TestBrowser(app).get("/setup/\(token)").status == .notFound)
            #expect(try await TestBrowser(app).get("/setup/nonsense").status == .notFound)
        }
    }

    @Test("an admin invites a coach, who joins through the link")
    func invitation() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let page = try await browser.post(
                "/admin/invitations", ["email": "rosa@example.org", "role": "coach"], tokenFrom: "/admin/members")
            #expect(page.status == .ok)
            let link = try #require(element("invite-link", in: page.body.string))
            let path = try #require(URLComponents(string: link)?.path)
            let invitee = TestBrowser(app)
            let joined = try await invitee.post(
                path, ["display_name": "Rosa", "password": "another good pass phrase"], tokenFrom: path)
            #expect(joined.status == .seeOther)
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "rosa@example.org").first())
            let membership = try #require(
                try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).first())
            #expect(membership.role == .coach)
            #expect(try await TestBrowser(app).get(path).status == .notFound)
        }
    }

    @Test("coaches and supervisors cannot invite; supervisors may list people")
    func invitationRights() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let supervisor = try await app.addMember(.supervisor, to: admin.organization, email: "sup@example.org")
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            #expect(try await coachBrowser.get("/admin/members").status == .forbidden)
            let csrf = try await coachBrowser.token(from: "/")
            let refused = try await coachBrowser.post(
                "/admin/invitations", ["email": "x@example.org", "role": "admin"], csrf: csrf)
            #expect(refused.status == .forbidden)
            let supBrowser = TestBrowser(app)
            try await supBrowser.signIn(supervisor)
            let list = try await supBrowser.get("/admin/members")
            #expect(list.status == .ok)
            #expect(!list.body.string.contains("action=\"/admin/invitations\""))
            #expect(try await OneTimeLink.query(on: app.db).count() == 0)
        }
    }

    @Test("a password reset link sets a new password and ends the person's sessions")
    func reset() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            let adminBrowser = TestBrowser(app)
            try await adminBrowser.signIn(admin)
            let membership = try #require(
                try await Membership.query(on: app.db).filter(\.$user.$id == coach.user.id!).first())
            let page = try await adminBrowser.post(
                "/admin/members/\(membership.id!)/reset", [:], tokenFrom: "/admin/members")
            let link = try #require(element("reset-link", in: page.body.string))
            let path = try #require(URLComponents(string: link)?.path)
            let anonymous = TestBrowser(app)
            let weak = try await anonymous.post(path, ["new_password": "12345678"], tokenFrom: path)
            #expect(weak.status == .unprocessableEntity)
            let done = try await anonymous.post(path, ["new_password": "a brand new pass phrase"], tokenFrom: path)
            #expect(done.location == "/signin?reset=1")
            #expect(try await coachBrowser.get("/").location == "/signin?ended=1")
            let again = try await TestBrowser(app).signIn(
                Account(
                    organization: coach.organization, user: coach.user, email: coach.email,
                    password: "a brand new pass phrase"))
            #expect(again.location == "/")
            #expect(try await TestBrowser(app).get(path).status == .notFound)
        }
    }

    @Test("an admin cannot reset someone in another organization")
    func resetOtherTenant() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let other = try await app.makeOrganization("Elsewhere", email: "other@example.org")
            let membership = try #require(
                try await Membership.query(on: app.db).filter(\.$user.$id == other.user.id!).first())
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let response = try await browser.post("/admin/members/\(membership.id!)/reset", [:], tokenFrom: "/")
            #expect(response.status == .notFound)
            #expect(try await OneTimeLink.query(on: app.db).count() == 0)
        }
    }

    @Test("changing the password ends every other session and refuses weak passwords")
    func changePassword() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let laptop = TestBrowser(app)
            try await laptop.signIn(admin)
            let phone = TestBrowser(app)
            try await phone.signIn(admin)
            let wrong = try await laptop.post(
                "/account/password", ["current_password": "nope nope", "new_password": "a fine new phrase"],
                tokenFrom: "/account/password")
            #expect(wrong.status == .unprocessableEntity)
            let weak = try await laptop.post(
                "/account/password", ["current_password": testPassword, "new_password": "qwerty123"],
                tokenFrom: "/account/password")
            #expect(weak.status == .unprocessableEntity)
            let done = try await laptop.post(
                "/account/password", ["current_password": testPassword, "new_password": "a fine new phrase"],
                tokenFrom: "/account/password")
            #expect(done.status == .ok)
            #expect(try await laptop.get("/").status == .ok)
            #expect(try await phone.get("/").location == "/signin?ended=1")
        }
    }

    @Test("admins change the organization's settings; bad values are explained")
    func settings() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            let bad = try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "call me"], tokenFrom: "/admin/settings")
            #expect(bad.status == .unprocessableEntity)
            let good = try await browser.post(
                "/admin/settings", ["name": "Riverbend RCO", "crisis_line": "1-800-662-4357"],
                tokenFrom: "/admin/settings")
            #expect(good.status == .ok)
            #expect(try await browser.get("/").body.string.contains("1-800-662-4357"))
        }
    }
}
