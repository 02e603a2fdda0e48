import Fluent
import Foundation
import Testing
import VaporTesting

@testable import TandemApp

/// A form that makes something makes it once, however often it is sent.
@Suite("Forms sent twice")
struct FormOnceTests {
    static func form(_ name: String, key: String) -> [(String, String)] {
        newParticipantForm(name) + [("once_key", key)]
    }

    @Test("the same form sent again, or twice at once, makes one participant and leads to the same page")
    func twice() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let browser = try await TestBrowser.signedIn(app, coach)
            let page = try await browser.get("/participants/new").body.string
            let key = try #require(Self.key(in: page))

            let first = try await browser.post(
                "/participants", pairs: Self.form("Doble Clic", key: key), tokenFrom: "/")
            let again = try await browser.post(
                "/participants", pairs: Self.form("Doble Clic", key: key), tokenFrom: "/")
            #expect(first.status == .seeOther && again.status == .seeOther)
            #expect(first.location != nil && first.location == again.location)
            #expect(try await Participant.query(on: app.db).count() == 1)
            #expect(try await Engagement.query(on: app.db).count() == 1)
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == "participant.create").count() == 1)

            // Two at once, as a double click sends them: the second waits for the first.
            let token = try await browser.token(from: "/")
            let newKey = UUID().uuidString
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.add(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let body = (Self.form("Mismo Momento", key: newKey) + [("_csrf", token)])
                .map { "\(TestBrowser.encode($0.0))=\(TestBrowser.encode($0.1))" }.joined(separator: "&")
            let sent = headers
            async let one = app.testing().sendRequest(
                .POST, "/participants", headers: sent, body: ByteBuffer(string: body))
            async let two = app.testing().sendRequest(
                .POST, "/participants", headers: sent, body: ByteBuffer(string: body))
            let (a, b) = try await (one, two)
            #expect(a.status == .seeOther && b.status == .seeOther)
            #expect(a.headers.first(name: .location) == b.headers.first(name: .location))
            #expect(try await Participant.query(on: app.db).count() == 2)

            // The same page sent again with other words (back, changed) is a new intention: made.
            let changed = try await browser.post(
                "/participants", pairs: Self.form("Otro Nombre", key: key), tokenFrom: "/")
            #expect(changed.status == .seeOther && changed.location != first.location)
            #expect(try await Participant.query(on: app.db).count() == 3)

            // A form refused for what it says gives its key back: corrected, it is made.
            let third = UUID().uuidString
            let refused = try await browser.post("/participants", pairs: Self.form("", key: third), tokenFrom: "/")
            #expect(refused.status == .unprocessableEntity)
            let corrected = try await browser.post(
                "/participants", pairs: Self.form("Tercera Vez", key: third), tokenFrom: "/")
            #expect(corrected.status == .seeOther)
            #expect(try await Participant.query(on: app.db).count() == 4)

            // The key is the person's and the form's: another person's, or another form, starts afresh.
            let other = try await TestBrowser.signedIn(
                app, try await app.addMember(.coach, to: admin.organization, email: "other@example.org"))
            let theirs = try await other.post(
                "/participants", pairs: Self.form("Otra Persona", key: key), tokenFrom: "/")
            #expect(theirs.status == .seeOther && theirs.location != first.location)
            #expect(try await Participant.query(on: app.db).count() == 5)

            // Keys older than a day are forgotten.
            try await FormOnceMiddleware.purge(on: app.db, now: Date().addingTimeInterval(2 * 86_400))
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 0)
        }
    }

    static func key(in html: String) -> String? {
        guard let range = html.range(of: #"name="once_key" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix(36))
    }
}
