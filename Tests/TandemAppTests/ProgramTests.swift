import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Online programs through the pages: an admin publishes one, a new person enrolls from the
/// public page, follows the guided start to a first plan and BARC-10, asks for a coach.
@Suite("Online programs")
struct ProgramTests {
    static func publish(
        _ admin: TestBrowser, title: String = "Fresh Start", price: String = "", published: Bool = true
    ) async throws -> Program {
        var fields = [
            "title": title, "summary": "Twelve weeks of support", "description": "Build a plan at your pace.",
            "terms": "Coaching is not treatment.", "price": price,
        ]
        if published { fields["published"] = "on" }
        let response = try await admin.post("/admin/programs", fields, tokenFrom: "/admin/programs/new")
        #expect(response.status == .seeOther)
        return try #require(try await Program.query(on: admin.app.db).filter(\.$title == title).first())
    }

    static func value(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @Test("a new person joins a free program from its public page and reaches a first plan, a BARC-10 and a coach")
    func selfEnrollment() async throws {
        try await withTandem { app in
            let owner = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: owner.organization, email: "coach@example.org")
            let admin = try await TestBrowser.signedIn(app, owner)

            // A bad price or no terms changes nothing.
            let bad = try await admin.post(
                "/admin/programs", ["title": "X", "terms": "", "price": "forty"], tokenFrom: "/admin/programs/new")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("price-error") && bad.body.string.contains("terms-error"))
            #expect(try await Program.query(on: app.db).count() == 0)

            // A draft has no public page.
            let draft = try await Self.publish(admin, title: "Later", published: false)
            let visitor = TestBrowser(app)
            #expect(try await visitor.get("/programs/\(draft.id!)").status == .notFound)
            let program = try await Self.publish(admin)
            let listed = try await visitor.get("/programs").body.string
            #expect(listed.contains("Fresh Start") && !listed.contains("Later") && listed.contains("Riverbend"))
            let page = "/programs/\(program.id!)"
            let shown = try await visitor.get(page).body.string
            #expect(shown.contains("Coaching is not treatment.") && element("program-price", in: shown) == "Free")
            #expect(shown.contains("including if you have returned to use"))

            // Without accepting the terms, nobody is made.
            var fields = ["name": "Jo", "email": "jo@example.org", "password": testPassword, "language": "es"]
            var response = try await visitor.post("\(page)/enroll", fields, tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("accept_terms-error"))
            #expect(try await User.query(on: app.db).filter(\.$email == "jo@example.org").count() == 0)
            // An address with a sign-in is asked to sign in first.
            fields["accept_terms"] = "on"
            fields["email"] = "coach@example.org"
            response = try await visitor.post("\(page)/enroll", fields, tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("email-error"))
            fields["email"] = "jo@example.org"
            response = try await visitor.post("\(page)/enroll", fields, tokenFrom: page)
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "jo@example.org").first())
            #expect(user.language == "es")
            let person = try #require(try await Participant.query(on: app.db).filter(\.$user.$id == user.id!).first())
            #expect(person.preferredName == "Jo" && person.$organization.id == owner.organization.id)
            let enrollment = try #require(try await ProgramEnrollment.query(on: app.db).first())
            #expect(enrollment.payment == .free && enrollment.participantID == person.id)

            // The guided start: values, a first goal, the BARC-10, each returning here.
            var start = try await visitor.get("\(page)/start").body.string
            #expect(start.contains("id=\"step-values\"") && !start.contains("program-all-done"))
            // The language chosen on the form, from the first page on.
            #expect(start.contains("<html lang=\"es\""))
            let values = "/participants/\(person.id!)/plan/edit/values?next=\(page)/start"
            let form = try await visitor.get(values).body.string
            #expect(form.contains("name=\"next\" value=\"\(page)/start\""))
            response = try await visitor.post(
                "/participants/\(person.id!)/plan/edit/values",
                [
                    "values": "My kids and my health", "base": Self.value("base", in: form) ?? "0",
                    "next": "\(page)/start",
                ],
                tokenFrom: values)
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            // Their home leads back to the program, and says the team hears "I need help now".
            let home = try await visitor.get("/").body.string
            #expect(home.contains("id=\"my-programs\"") && home.contains("\(page)/start"))
            // (in Spanish, the language Jo joined in)
            #expect(!home.contains("id=\"my-engagements\"") && home.contains("Avisa de inmediato al equipo"))
            let goalForm = try await visitor.get("/participants/\(person.id!)/plan/edit/d0").body.string
            response = try await visitor.post(
                "/participants/\(person.id!)/plan/edit/d0",
                [
                    "base": Self.value("base", in: goalForm) ?? "1", "goal_0_id": "", "goal_0_text": "Walk every day",
                    "goal_0_why": "", "next": "\(page)/start",
                ], tokenFrom: "/participants/\(person.id!)/plan/edit/d0")
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            let barc = "/participants/\(person.id!)/recovery-capital"
            response = try await visitor.post(
                barc,
                pairs: (1...10).map { ("item_\($0)", "5") } + [("action", "complete"), ("next", "\(page)/start")],
                tokenFrom: barc + "/form")
            #expect(response.status == .seeOther && response.location == "\(page)/start")
            start = try await visitor.get("\(page)/start").body.string
            #expect(start.contains("program-all-done"))
            // A return address elsewhere is ignored.
            response = try await visitor.post(
                "/participants/\(person.id!)/plan/edit/values",
                ["values": "Still my kids", "base": "2", "next": "//evil.example/start"], tokenFrom: values)
            #expect(response.location == "/participants/\(person.id!)/plan?saved=1")

            // The enrollment is part of the person's data.
            let data = try await visitor.get("/participants/\(person.id!)/data.json").body.string
            #expect(data.contains("\"programs\"") && data.contains("Fresh Start"))

            // Asking for a coach tells the admins without a name; the admin assigns one.
            response = try await visitor.post("\(page)/coach-request", [:], tokenFrom: "\(page)/start")
            #expect(response.status == .seeOther)
            let mail = try await OutboxMessage.query(on: app.db).filter(\.$kind == "program_coach_request").all()
            #expect(mail.map(\.recipient) == [owner.email] && mail.allSatisfy { !$0.body.contains("Jo") })
            #expect(try await visitor.get("\(page)/start").body.string.contains("Pidió un coach"))
            let enrolled = try await admin.get("/admin/programs/\(program.id!)").body.string
            #expect(enrolled.contains("Jo") && enrolled.contains("Asked for a coach"))
            response = try await admin.post(
                "/admin/programs/enrollments/\(enrollment.id!)/coach",
                ["coach_id": coach.user.id!.uuidString, "funding": "volunteer"],
                tokenFrom: "/admin/programs/\(program.id!)")
            #expect(response.status == .seeOther)
            let engagement = try #require(
                try await Engagement.query(on: app.db).filter(\.$participant.$id == person.id!).first())
            #expect(engagement.serviceType == .virtualCoaching && engagement.status == .active)
            #expect(try await visitor.get("\(page)/start").body.string.contains("Tiene un coach"))
            #expect(
                try await admin.post(
                    "/admin/programs/enrollments/\(enrollment.id!)/coach",
                    ["coach_id": coach.user.id!.uuidString, "funding": "volunteer"],
                    tokenFrom: "/admin/programs/\(program.id!)"
                ).status == .conflict)
        }
    }

    @Test("with e-mail on, the form answers alike for any address, and the mailed link makes the sign-in once")
    func mailedSignUp() async throws {
        try await withTandem({
            $0.baseURL = "https://tandem.example.org"
            $0.smtp = SMTPConfiguration(
                host: "127.0.0.1", port: 25, username: nil, password: nil, security: .none, from: "tandem@example.org",
                trustedCertificatesFile: nil)
        }) { app in
            let owner = try await app.makeOrganization()
            _ = try await app.addMember(.coach, to: owner.organization, email: "coach@example.org")
            let program = try await Self.publish(try await TestBrowser.signedIn(app, owner))
            let page = "/programs/\(program.id!)"
            let visitor = TestBrowser(app)
            // The password is chosen on the mailed link's page, by whoever holds the mailbox,
            // never on the public form: whoever sends the form need not own the address.
            #expect(!(try await visitor.get(page).body.string.contains("id=\"password\"")))
            var fields = [
                "name": "Jo Ruiz", "email": "coach@example.org", "password": "chosen by a stranger 1", "language": "es",
                "accept_terms": "on",
            ]
            let taken = try await visitor.post("\(page)/enroll", fields, tokenFrom: page)
            fields["email"] = "jo@example.org"
            // A Host named by the form's request does not reach the mailed link.
            let fresh = try await visitor.post(
                "\(page)/enroll", fields, tokenFrom: page, headers: ["Host": "evil.example"])
            // Nothing in the answer tells an address with a sign-in from a new one.
            #expect(taken.status == .seeOther && taken.location == "\(page)?sent=1")
            #expect(fresh.status == taken.status && fresh.location == taken.location)
            #expect(taken.headers[.setCookie].isEmpty && fresh.headers[.setCookie].isEmpty)
            #expect(try await visitor.get("\(page)?sent=1").body.string.contains("id=\"program-check-email\""))
            #expect(try await User.query(on: app.db).filter(\.$email == "jo@example.org").count() == 0)
            // The mailbox does: a link to finish for the new one, a note to sign in for the other.
            let mail = try await OutboxMessage.query(on: app.db).all()
            let note = try #require(mail.first { $0.recipient == "coach@example.org" })
            #expect(note.body.contains("https://tandem.example.org\(page)") && !note.body.contains("/join/"))
            let letter = try #require(mail.first { $0.recipient == "jo@example.org" })
            #expect(letter.subject == "Termine de inscribirse en su programa" && letter.body.contains("Hola, Jo:"))
            #expect(!letter.body.contains("evil.example"))
            let marker = try #require(letter.body.range(of: "https://tandem.example.org/join/"))
            let token = String(letter.body[marker.upperBound...].prefix { !$0.isWhitespace })
            let link = "/join/\(token)"
            // Sent again within the hour: no second message, and the first link still works
            // (checked unless the clock's hour turned between the two, when a second may go).
            let hour = { Int(Date().timeIntervalSince1970 / 3600) }
            let before = hour()
            _ = try await visitor.post("\(page)/enroll", fields, tokenFrom: page)
            if hour() == before, let first = letter.createdAt, Int(first.timeIntervalSince1970 / 3600) == before {
                #expect(try await OutboxMessage.query(on: app.db).count() == 2)
                #expect(try await ProgramSignUp.query(on: app.db).count() == 2)
            }

            // Opening the link changes nothing; its button makes the sign-in, record and enrollment.
            let asked = try await visitor.get(link)
            #expect(asked.status == .ok && asked.body.string.contains("id=\"finish-joining\""))
            #expect(element("join-price", in: asked.body.string) == "Gratis")
            #expect(asked.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(try await User.query(on: app.db).filter(\.$email == "jo@example.org").count() == 0)
            let weak = try await visitor.post(link, ["password": "short"], tokenFrom: link)
            #expect(weak.status == .unprocessableEntity && weak.body.string.contains("password-error"))
            #expect(try await User.query(on: app.db).filter(\.$email == "jo@example.org").count() == 0)
            let done = try await visitor.post(link, ["password": testPassword], tokenFrom: link)
            #expect(done.status == .seeOther && done.location == "\(page)/start")
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "jo@example.org").first())
            #expect(user.language == "es" && user.displayName == "Jo Ruiz")
            // The sign-in is the mailbox holder's, with the password chosen on the link's page.
            let holder = TestBrowser(app)
            let signedIn = try await holder.post(
                "/signin", ["email": "jo@example.org", "password": testPassword], tokenFrom: "/signin")
            #expect(signedIn.status == .seeOther && signedIn.location != "/signin")
            #expect(
                try await TestBrowser(app).post(
                    "/signin", ["email": "jo@example.org", "password": "chosen by a stranger 1"], tokenFrom: "/signin"
                ).status != .seeOther)
            // A second press of the button leads on to the start, not to a dead link.
            let again = try await visitor.post(link, ["password": testPassword], tokenFrom: "\(page)/start")
            #expect(again.status == .seeOther && again.location == "\(page)/start")
            let person = try #require(try await Participant.query(on: app.db).filter(\.$user.$id == user.id!).first())
            let enrollment = try #require(try await ProgramEnrollment.query(on: app.db).first())
            #expect(enrollment.participantID == person.id && enrollment.programID == program.id)
            #expect(try await visitor.get("\(page)/start").status == .ok)
            // The link works once.
            let stranger = TestBrowser(app)
            #expect(try await stranger.post(link, [:], tokenFrom: "/signin").status == .notFound)
            #expect(try await stranger.get(link).status == .notFound)

            // An address that got a sign-in after the form was sent is asked to sign in.
            fields["email"] = "sam@example.org"
            _ = try await stranger.post("\(page)/enroll", fields, tokenFrom: page)
            let second = try #require(
                try await OutboxMessage.query(on: app.db).filter(\.$recipient == "sam@example.org").first())
            let samToken = try #require(second.body.range(of: "/join/")).upperBound
            let samLink = "/join/" + String(second.body[samToken...].prefix { !$0.isWhitespace })
            _ = try await app.addMember(.coach, to: owner.organization, email: "sam@example.org")
            let refused = try await stranger.post(samLink, ["password": testPassword], tokenFrom: samLink)
            #expect(refused.status == .conflict && refused.body.string.contains("id=\"join-has-sign-in\""))
            #expect(try await User.query(on: app.db).filter(\.$email == "sam@example.org").count() == 1)
        }
    }

    @Test("a paid program shows its price; the admin records a payment or a sponsorship; others cannot")
    func payments() async throws {
        try await withTandem { app in
            let owner = try await app.makeOrganization()
            let admin = try await TestBrowser.signedIn(app, owner)
            let paid = try await Self.publish(admin, title: "Guided Twelve", price: "49.5")
            #expect(paid.priceCents == 4950)
            let free = try await Self.publish(admin, title: "Open Door")
            let visitor = TestBrowser(app)
            let page = "/programs/\(paid.id!)"
            #expect(element("program-price", in: try await visitor.get(page).body.string) == "$49.50")
            try await visitor.post(
                "\(page)/enroll",
                ["name": "Ana", "email": "ana@example.org", "password": testPassword, "accept_terms": "on"],
                tokenFrom: page)
            let start = try await visitor.get("\(page)/start").body.string
            #expect(element("program-payment", in: start)?.contains("To be paid") == true)
            // A signed-in participant joins another program with one click.
            let freePage = "/programs/\(free.id!)"
            #expect(try await visitor.get(freePage).body.string.contains("id=\"join-form\""))
            #expect(
                try await visitor.post("\(freePage)/enroll", [:], tokenFrom: freePage).status == .unprocessableEntity)
            #expect(
                try await visitor.post("\(freePage)/enroll", ["accept_terms": "on"], tokenFrom: freePage).status
                    == .seeOther)
            let enrollments = try await ProgramEnrollment.query(on: app.db).all()
            #expect(enrollments.count == 2)
            let owed = try #require(enrollments.first { $0.programID == paid.id })
            let gratis = try #require(enrollments.first { $0.programID == free.id })

            // Only an admin of the organization records it.
            let coach = try await app.addMember(.coach, to: owner.organization, email: "coach@example.org")
            let coachBrowser = try await TestBrowser.signedIn(app, coach)
            #expect(try await coachBrowser.get("/admin/programs").status == .forbidden)
            #expect(
                try await coachBrowser.post(
                    "/admin/programs/enrollments/\(owed.id!)/payment", ["payment": "paid"], tokenFrom: "/"
                ).status == .forbidden)
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.org")
            let otherAdmin = try await TestBrowser.signedIn(app, elsewhere)
            #expect(try await otherAdmin.get("/admin/programs/\(paid.id!)").status == .notFound)
            #expect(
                try await otherAdmin.post(
                    "/admin/programs/enrollments/\(owed.id!)/payment", ["payment": "paid"], tokenFrom: "/admin/programs"
                ).status == .notFound)
            // The organization's own staff cannot join it as participants; someone of another
            // organization can (`OrganizationChoiceTests`).
            #expect(try await coachBrowser.get(page).body.string.contains("cannot join this program"))
            #expect(
                try await coachBrowser.post("\(page)/enroll", ["accept_terms": "on"], tokenFrom: page).status
                    == .forbidden)
            #expect(try await otherAdmin.get(page).body.string.contains("id=\"join-another-note\""))

            let path = "/admin/programs/enrollments/\(owed.id!)/payment"
            #expect(
                try await admin.post(path, ["payment": "free"], tokenFrom: "/admin/programs/\(paid.id!)").status
                    == .unprocessableEntity)
            #expect(
                try await admin.post(
                    path, ["payment": "sponsored", "payment_note": "County grant"],
                    tokenFrom: "/admin/programs/\(paid.id!)"
                ).status == .seeOther)
            let recorded = try #require(try await ProgramEnrollment.find(owed.id, on: app.db))
            #expect(recorded.payment == .sponsored && recorded.paymentNote == "County grant")
            #expect(recorded.paymentRecordedBy == owner.user.id)
            #expect(
                try await admin.post(
                    "/admin/programs/enrollments/\(gratis.id!)/payment", ["payment": "paid"],
                    tokenFrom: "/admin/programs/\(free.id!)"
                ).status == .conflict)
            #expect(element("program-payment", in: try await visitor.get("\(page)/start").body.string) == "Sponsored")
        }
    }

    @Test(
        "prices as typed",
        arguments: [
            ("", 0), ("49", 4900), ("49.5", 4950), ("49.50", 4950), ("$1,250.00", 125_000), ("-3", nil), ("4.999", nil),
            ("forty", nil), ("100001", nil), (".5", nil), ("100000000000000000000", nil), ("9999999", nil),
        ] as [(String, Int?)])
    func prices(text: String, cents: Int?) {
        #expect(Money.cents(text) == cents)
    }

    @Test("the guided start returns only to a program's start page")
    func guidedReturn() {
        let id = UUID()
        #expect(GuidedReturn.checked("/programs/\(id.uuidString)/start") == "/programs/\(id.uuidString)/start")
        for bad in ["//evil.example/start", "/programs/x/start", "https://evil.example/programs/\(id)/start", "", nil] {
            #expect(GuidedReturn.checked(bad) == nil)
        }
    }

    @Test(
        "through the API: an admin publishes, a participant joins and asks for a coach, the admin records the payment")
    func api() async throws {
        try await withTandem { app in
            let owner = try await app.makeOrganization()
            let member = try await app.addMember(.participant, to: owner.organization, email: "p@example.org")
            try await app.makeParticipant(
                "Pat", in: owner.organization,
                coach: try await app.addMember(.coach, to: owner.organization, email: "c@example.org").user,
                status: .completed, user: member.user)
            let admin = try await APIClient.signIn(app, owner)
            let person = try await APIClient.signIn(app, member)
            let body = #"{"title":"Steady","terms":"Not treatment.","priceCents":2500,"published":true}"#
            #expect(try await person.send(.POST, "/programs", json: body).0.status == .forbidden)
            #expect(
                try await admin.send(.POST, "/programs", json: #"{"title":"","terms":""}"#).0.status
                    == .unprocessableEntity)
            let created = try await admin.send(.POST, "/programs", json: body)
            #expect(created.0.status == .created && created.1["priceCents"] as? Int == 2500)
            let id = try #require(created.1["id"] as? String)
            #expect((try await person.send(.GET, "/programs").1["items"] as? [Any])?.count == 1)
            #expect(
                try await person.send(.POST, "/programs/\(id)/enrollments", json: #"{"acceptTerms":false}"#).0.status
                    == .unprocessableEntity)
            let joined = try await person.send(.POST, "/programs/\(id)/enrollments", json: #"{"acceptTerms":true}"#)
            #expect(joined.0.status == .created && joined.1["payment"] as? String == "due")
            let asked = try await person.send(.POST, "/programs/\(id)/coach-request")
            #expect(asked.1["coachRequested"] as? Bool == true)
            let enrollmentID = try #require(joined.1["id"] as? String)
            #expect(try await person.send(.GET, "/programs/\(id)/enrollments").0.status == .forbidden)
            let listed = try await admin.send(.GET, "/programs/\(id)/enrollments")
            #expect((listed.1["items"] as? [[String: Any]])?.first?["participantName"] as? String == "Pat")
            let paid = try await admin.send(
                .POST, "/program-enrollments/\(enrollmentID)/payment", json: #"{"payment":"paid","note":"Receipt 12"}"#)
            #expect(paid.0.status == .ok && paid.1["payment"] as? String == "paid")
        }
    }
}
