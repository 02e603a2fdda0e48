import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

@Suite("Audit log page")
struct AuditPageTests {
    @Test("admins browse and filter their organization's entries, and only theirs")
    func browse() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let other = try await app.makeOrganization("Elsewhere", email: "other@example.org")
            try await TestBrowser(app).signIn(other)
            let browser = TestBrowser(app)
            try await browser.post("/signin", ["email": admin.email, "password": "wrong guess!"], tokenFrom: "/signin")
            try await browser.signIn(admin)
            try await browser.post(
                "/admin/settings", ["name": "Riverbend", "crisis_line": "988"], tokenFrom: "/admin/settings")
            let page = try await browser.get("/admin/audit")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("organization.settings"))
            #expect(!html.contains("The log is intact"))
            #expect(html.contains("id=\"verify-chain\""))
            #expect(try await browser.get("/admin/audit?verify=1").body.string.contains("The log is intact"))
            // The sign-in and the settings change; nothing of the other organization.
            #expect(html.components(separatedBy: "<tr>").count - 2 == 2)
            let filtered = try await browser.get("/admin/audit?action=signin")
            #expect(filtered.body.string.contains("<code>signin</code>"))
            #expect(!filtered.body.string.contains("<code>organization.settings</code>"))
            let bogus = try await browser.get("/admin/audit?action=%3Cscript%3E&outcome=nope&page=-4")
            #expect(bogus.status == .ok)
            #expect(!bogus.body.string.contains("<script>"))
            let views = try await AuditEvent.query(on: app.db).filter(\.$action == "audit_log.view").count()
            #expect(views == 4)
            // In Spanish each entry keeps its date, with seconds.
            _ = try await browser.post("/language", ["lang": "es", "back": "/"], tokenFrom: "/admin/audit")
            let day = DateFormatter()
            day.locale = Locale(identifier: "es_US")
            day.timeZone = TimeZone(identifier: admin.organization.timeZone) ?? .gmt
            day.dateFormat = "d MMM y"
            let spanish = try await browser.get("/admin/audit").body.string
            #expect(spanish.contains(day.string(from: Date())))
            #expect(spanish.range(of: #"\d:\d\d:\d\d"#, options: .regularExpression) != nil)
        }
    }

    @Test("coaches and supervisors cannot read the audit log")
    func refused() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            for role in [Role.coach, .supervisor, .participant] {
                let member = try await app.addMember(
                    role, to: admin.organization, email: "\(role.rawValue)@example.org")
                let browser = TestBrowser(app)
                try await browser.signIn(member)
                #expect(try await browser.get("/admin/audit").status == .forbidden)
            }
        }
    }

    @Test("the chain is checked in batches and a change past the first batch is found")
    func batches() async throws {
        try await withTandem { app in
            for index in 1...7 {
                try await app.tandem.audit.record(
                    "test.\(index)", actor: nil, organization: nil, requestID: nil, on: app.db)
            }
            #expect(try await AuditLog.firstBrokenLink(on: app.db, batchSize: 2) == nil)
            let fifth = try #require(try await AuditEvent.query(on: app.db).filter(\.$sequence == 5).first())
            fifth.outcome = "failure"
            try await fifth.save(on: app.db)
            #expect(try await AuditLog.firstBrokenLink(on: app.db, batchSize: 2) == 5)
        }
    }

    @Test("entries made by a browser record its address and are checked by the chain")
    func clientAddress() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            try await app.tandem.audit.record(
                "test.address", actor: admin.user.id, organization: admin.organization.id, requestID: "r1",
                clientAddress: "192.0.2.7", on: app.db)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "test.address").first())
            #expect(event.clientAddress == "192.0.2.7")
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == nil)
            event.clientAddress = "198.51.100.1"
            try await event.save(on: app.db)
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == event.sequence)
        }
    }
}
