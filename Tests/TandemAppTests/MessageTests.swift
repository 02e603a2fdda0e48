import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Secure messaging through the pages: one thread per engagement between the person and its
/// coaches, unread counts and read receipts, crisis words, retention, and who may not read.
@Suite("Secure messaging")
struct MessageTests {
    @Test("a participant and her coach exchange messages; others cannot read; unread, seen, audited")
    func exchange() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let thread = "/messages/\(w.engagement.id!)"
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            let coach = try await TestBrowser.signedIn(app, w.coach)

            // An empty message is refused and changes nothing.
            var response = try await rosa.post(thread, ["body": "   "], tokenFrom: thread)
            #expect(response.status == .unprocessableEntity)
            #expect(try await Message.query(on: app.db).count() == 0)

            response = try await rosa.post(thread, ["body": "Can we move Thursday?"], tokenFrom: thread)
            #expect(response.status == .seeOther)
            // The coach's list counts it as new until the thread is opened.
            var list = try await coach.get("/messages").body.string
            #expect(list.contains("id=\"unread-\(w.engagement.id!)\"") && list.contains("Rosa"))
            #expect(list.contains("with the people you coach"))
            let page = try await coach.get(thread).body.string
            #expect(page.contains("Can we move Thursday?"))
            list = try await coach.get("/messages").body.string
            #expect(!list.contains("id=\"unread-\(w.engagement.id!)\""))
            // Rosa's message now reads as seen.
            let mine = try await rosa.get(thread).body.string
            #expect(mine.contains("class=\"seen\" >") || mine.contains("class=\"seen\">"))
            _ = try await coach.post(thread, ["body": "Sure, Friday at 10?"], tokenFrom: thread)
            // Rosa's home tells her; her list names the thread by her coach, not by herself.
            let home = try await rosa.get("/").body.string
            #expect(element("home-unread", in: home)?.contains("New messages from your coach: 1.") == true)
            let hers = try await rosa.get("/messages").body.string
            #expect(element("thread-\(w.engagement.id!)", in: hers) == w.coach.user.displayName)
            #expect(element("unread-\(w.engagement.id!)", in: hers) == "1 new")
            #expect(try await rosa.get(thread).body.string.contains("Sure, Friday at 10?"))
            #expect(element("home-unread", in: try await rosa.get("/").body.string) == nil)

            // No one else reads the thread: another coach, a supervisor who does not coach it,
            // the mother; each refusal is audited.
            let other = try await app.addMember(.coach, to: w.admin.organization, email: "other@example.org")
            let supervisor = try await app.addMember(.supervisor, to: w.admin.organization, email: "s@example.org")
            for account in [other, supervisor, w.mother, w.admin] {
                let browser = try await TestBrowser.signedIn(app, account)
                let refused = try await browser.get(thread)
                #expect(refused.status == .forbidden && !refused.body.string.contains("Thursday"), "\(account.email)")
                #expect(
                    try await browser.post(thread, ["body": "Hi"], tokenFrom: "/").status == .forbidden,
                    "\(account.email)")
            }
            #expect(try await Message.query(on: app.db).count() == 2)
            // What a page asks for when its socket opens: the messages after its newest, read-only.
            let receipt = try await rosa.get(thread + "/receipt?since=2000-01-01T00:00:00.000Z").body.string
            #expect(receipt.contains("Can we move Thursday?") && receipt.contains("othersReadAt"))
            // Coaching that ended takes no new messages.
            w.engagement.status = .completed
            try await w.engagement.save(on: app.db)
            #expect(try await rosa.post(thread, ["body": "Anyone?"], tokenFrom: thread).status == .conflict)
            // Its page says so instead of offering a box nobody reads.
            let ended = try await rosa.get(thread).body.string
            #expect(ended.contains("id=\"thread-ended\"") && !ended.contains("id=\"message-form\""))
            #expect(ended.contains("Can we move Thursday?"))
            let trail = try await AuditEvent.query(on: app.db).filter(\.$participantID == w.rosa.id!).all()
            #expect(trail.filter { $0.action == "message_thread.view" && $0.outcome == "denied" }.count == 8)
            #expect(
                trail.contains { $0.action == "message.send" } && trail.contains { $0.action == "message_thread.view" })
        }
    }

    @Test("the API lists conversations, reads and sends once per Idempotency-Key")
    func api() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let rosa = try await APIClient.signIn(app, w.rosaAccount)
            let coach = try await APIClient.signIn(app, w.coach)
            let path = "/threads/\(w.engagement.id!)/messages"
            var headers = HTTPHeaders()
            headers.add(name: "Idempotency-Key", value: "msg-1")
            let (first, sent) = try await rosa.send(.POST, path, json: #"{"body":"Running late"}"#, headers: headers)
            let (again, resent) = try await rosa.send(.POST, path, json: #"{"body":"Running late"}"#, headers: headers)
            #expect(
                first.status == .created && again.status == .created && sent["id"] as? String == resent["id"] as? String
            )
            #expect(try await Message.query(on: app.db).count() == 1)
            let (_, threads) = try await coach.send(.GET, "/threads")
            let items = try #require(threads["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["unread"] as? Int == 1)
            let (read, messages) = try await coach.send(.GET, path)
            #expect(
                read.status == .ok
                    && (messages["items"] as? [[String: Any]])?.first?["body"] as? String == "Running late")
            #expect(try await rosa.send(.POST, path, json: #"{"body":""}"#).0.status != .created)
            let other = try await app.addMember(.coach, to: w.admin.organization, email: "other@example.org")
            #expect(try await APIClient.signIn(app, other).send(.GET, path).0.status == .forbidden)
        }
    }

    @Test("crisis words in the person's own message show the card and raise an alert")
    func crisisWords() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let thread = "/messages/\(w.engagement.id!)"
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            let response = try await rosa.post(thread, ["body": "I can't go on like this"], tokenFrom: thread)
            #expect(response.location == thread + "?care=1#message-form")
            let care = try await rosa.get(thread + "?care=1").body.string
            #expect(care.contains("id=\"crisis-card\"") && care.contains("id=\"care-told\""))
            #expect(try await SafetyAlert.query(on: app.db).filter(\.$source == .message).count() == 1)
            // A coach's words about someone else raise nothing.
            let coach = try await TestBrowser.signedIn(app, w.coach)
            _ = try await coach.post(thread, ["body": "If you ever want to die, call 988"], tokenFrom: thread)
            #expect(try await SafetyAlert.query(on: app.db).count() == 1)
        }
    }

    @Test("messages older than the organization keeps them are deleted; the setting is the admin's")
    func retention() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let admin = try await TestBrowser.signedIn(app, w.admin)
            #expect(
                try await admin.post("/admin/messages", ["retention_days": "12"], tokenFrom: "/admin/messages")
                    .status == .unprocessableEntity)
            #expect(
                try await TestBrowser.signedIn(app, w.coach).post(
                    "/admin/messages", ["retention_days": "30"], tokenFrom: "/"
                ).status == .forbidden)
            #expect(
                try await admin.post("/admin/messages", ["retention_days": "30"], tokenFrom: "/admin/messages")
                    .status == .seeOther)
            let service = MessageService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.coach.user, organization: w.admin.organization, role: .coach))
            let now = Date()
            _ = try await service.send(w.engagement.id!, body: "Old news", now: now.addingTimeInterval(-31 * 86_400))
            _ = try await service.send(w.engagement.id!, body: "This week", now: now.addingTimeInterval(-86_400))
            #expect(try await MessageService.applyRetention(on: app.db, now: now) == 1)
            #expect(try await Message.query(on: app.db).all().map(\.body) == ["This week"])
        }
    }
}
