import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// The public forms that have Tandem send e-mail share one allowance per client.
@Suite("Mail from public forms, per client")
struct PublicMailAllowanceTests {
    @Test("one client may ask for ten messages an hour across the public forms; the eleventh writes nothing")
    func allowance() async throws {
        try await withTandem({ $0.smtp = unreachableSMTP }) { app in
            let owner = try await app.makeOrganization()
            let program = try await ProgramTests.publish(try await TestBrowser.signedIn(app, owner))
            let page = "/programs/\(program.id!)"
            let site = "/organizations/\(owner.organization.id!)"
            let visitor = TestBrowser(app)
            func join(_ email: String) async throws -> TestingHTTPResponse {
                try await visitor.post(
                    "\(page)/enroll", ["name": "Jo", "email": email, "language": "en", "accept_terms": "on"],
                    tokenFrom: page)
            }
            // A form refused for its fields asks for nothing and counts nothing.
            for _ in 0..<3 {
                #expect(try await join("not an address").status == .unprocessableEntity)
            }
            for index in 0..<(PublicMailAllowance.perHour - 1) {
                #expect(try await join("p\(index)@example.org").location == "\(page)?sent=1")
            }
            #expect(
                try await visitor.post("\(site)/follow", ["follow_email": "r@example.org"], tokenFrom: site).status
                    == .ok)
            let mail = try await OutboxMessage.query(on: app.db).count()
            let signUps = try await ProgramSignUp.query(on: app.db).count()
            #expect(mail == PublicMailAllowance.perHour && signUps == PublicMailAllowance.perHour - 1)

            // Over the allowance, for a new address as for one that follows already.
            let refused = try await join("late@example.org")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.body.string.contains("Many messages were asked for from this connection"))
            let wait = try #require(refused.headers.first(name: .retryAfter).flatMap { Int($0) })
            #expect(wait > 0 && wait <= 3600)
            for address in ["new@example.org", "r@example.org"] {
                let follow = try await visitor.post("\(site)/follow", ["follow_email": address], tokenFrom: site)
                #expect(follow.status == .tooManyRequests)
            }
            #expect(try await OutboxMessage.query(on: app.db).count() == mail)
            #expect(try await ProgramSignUp.query(on: app.db).count() == signUps)
            #expect(try await ArticleFollower.query(on: app.db).filter(\.$email == "new@example.org").count() == 0)

            // When the hour is over, the count starts again; a day later it is forgotten.
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE public_form_counts SET window_start = \(bind: Date().addingTimeInterval(-3601))")
                .run()
            #expect(try await join("late@example.org").location == "\(page)?sent=1")
            try await PublicMailAllowance.purge(on: app.db, now: Date().addingTimeInterval(86_400 + 60))
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM public_form_counts").first()?.decode(
                    column: "n", as: Int.self) == 0)
        }
    }
}
