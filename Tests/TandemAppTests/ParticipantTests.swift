import Fluent
import Foundation
import SQLKit
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

extension Application {
    /// Adds a participant with one engagement coached by `coach`, straight into the database.
    @discardableResult
    func makeParticipant(
        _ name: String, in organization: Organization, coach: User, service: ServiceType = .recoveryCoaching,
        status: EngagementStatus = .active, legalName: String = "", user: User? = nil
    ) async throws -> (Participant, Engagement) {
        let participant = Participant(
            organizationID: organization.id!, profile: ParticipantProfile(preferredName: name, legalName: legalName))
        participant.$user.id = user?.id
        try await participant.create(on: db)
        try await ParticipantService.index(participant, on: db)
        let engagement = try await EngagementService.insert(
            .init(
                organizationID: organization.id!, serviceType: service, referralSource: .self, funding: .grant,
                startDate: CalendarDate("2026-01-05")!, status: status, primaryCoachID: coach.id!),
            for: participant, on: db)
        return (participant, engagement)
    }
}

/// The whole form a coach fills in to add someone.
func newParticipantForm(_ name: String, extra: [(String, String)] = []) -> [(String, String)] {
    [
        ("preferred_name", name), ("legal_name", ""), ("pronouns", "they/them"), ("date_of_birth", "1991-04-12"),
        ("phone", "555-0142"), ("email", ""), ("language", "es"), ("contact_methods[]", "text"),
        ("contact_methods[]", "phone"), ("safe_contact_times", "Weekday evenings"), ("pathways[]", "smart"),
        ("pathways[]", "medication"), ("pathway_other", ""), ("recovery_start_date", "2025-11-02"),
        ("strengths", "Cooking, patience"), ("emergency_contact_name", "Ana"),
        ("emergency_contact_relationship", "Sister"), ("emergency_contact_phone", "555-0199"),
        ("service_type", "peer_recovery_support"), ("referral_source", "treatment_center"),
        ("funding", "medicaid_insurance"), ("start_date", "2026-02-01"), ("status", "active"),
    ] + extra
}

@Suite("Participants")
struct ParticipantTests {
    @Test("a coach adds a participant with a first engagement and finds them on the caseload")
    func create() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            let response = try await browser.post(
                "/participants", pairs: newParticipantForm("José Álvarez"), tokenFrom: "/participants/new")
            #expect(response.status == .seeOther)
            let participant = try #require(try await Participant.query(on: app.db).first())
            #expect(response.location == "/participants/\(participant.id!.uuidString)?created=1")
            #expect(participant.pathways == "smart,medication" && participant.contactMethods == "phone,text")
            #expect(participant.language == "es" && participant.dateOfBirth == "1991-04-12")
            let engagement = try #require(try await Engagement.query(on: app.db).with(\.$coaches).first())
            #expect(engagement.serviceType == .peerRecoverySupport && engagement.status == .active)
            #expect(engagement.coaches.map(\.$coach.id) == [coach.user.id] && engagement.coaches[0].isPrimary)
            let record = try await browser.get(response.location!)
            #expect(record.status == .ok && record.body.string.contains("José Álvarez"))
            #expect(record.body.string.contains("SMART Recovery"))
            let home = try await browser.get("/")
            #expect(element("caseload", in: home.body.string) != nil)
            #expect(home.body.string.contains("José Álvarez"))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$participantID == participant.id!).all()
                .map(\.action)
            #expect(audit.contains("participant.create") && audit.contains("participant.view"))
            #expect(audit.contains("engagement.create"))
        }
    }

    @Test("bad input names each field and saves nothing")
    func invalid() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let browser = TestBrowser(app)
            try await browser.signIn(coach)
            var form = newParticipantForm("").filter {
                !["date_of_birth", "service_type", "pathways[]"].contains($0.0)
            }
            form += [("date_of_birth", "2199-01-01"), ("service_type", "therapy"), ("pathways[]", "diagnosis")]
            let response = try await browser.post("/participants", pairs: form, tokenFrom: "/participants/new")
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            for field in ["preferred_name", "date_of_birth", "service_type", "pathways"] {
                #expect(html.contains("href=\"#\(field)\""), "\(field)")
            }
            #expect(try await Participant.query(on: app.db).count() == 0)
            #expect(try await Engagement.query(on: app.db).count() == 0)
        }
    }

    @Test("a coach reaches only the people of their own engagements; other organizations see nothing")
    func scoping() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            let family = try await app.addMember(.family, to: admin.organization, email: "family@example.org")
            let elsewhere = try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.org")
            let (participant, engagement) = try await app.makeParticipant(
                "Jamie Okafor", in: admin.organization, coach: coach.user)
            let paths = [
                "/participants/\(participant.id!.uuidString)", "/participants/\(participant.id!.uuidString)/edit",
                "/engagements/\(engagement.id!.uuidString)", "/engagements/\(engagement.id!.uuidString)/agreement",
            ]
            let browser = TestBrowser(app)
            try await browser.signIn(other)
            for path in paths {
                let response = try await browser.get(path)
                #expect(response.status == .forbidden, "\(path)")
                #expect(!response.body.string.contains("Okafor"))
            }
            #expect(!(try await browser.get("/participants?q=jam")).body.string.contains("Okafor"))
            #expect(!(try await browser.get("/")).body.string.contains("Okafor"))
            let familyBrowser = TestBrowser(app)
            try await familyBrowser.signIn(family)
            for path in paths { #expect(try await familyBrowser.get(path).status == .forbidden, "\(path)") }
            let foreign = TestBrowser(app)
            try await foreign.signIn(elsewhere)
            for path in paths { #expect(try await foreign.get(path).status == .notFound, "\(path)") }
            let denied = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied")
                .filter(\.$participantID == participant.id!).count()
            #expect(denied >= 4)
        }
    }

    @Test("name search ignores case and accents, matches word starts, and pages")
    func search() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let other = try await app.addMember(.coach, to: admin.organization, email: "other@example.org")
            try await app.makeParticipant("José Álvarez", in: admin.organization, coach: coach.user)
            try await app.makeParticipant("Joseph Lee", in: admin.organization, coach: other.user)
            try await app.makeParticipant(
                "Sam", in: admin.organization, coach: coach.user, legalName: "Samantha O'Brien-Núñez")
            for index in 0..<30 {
                try await app.makeParticipant(
                    "Alex Number\(String(format: "%02d", index))", in: admin.organization, coach: coach.user)
            }
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            func names(_ query: String) async throws -> String {
                try await browser.get("/participants?q=\(query)").body.string
            }
            let jose = try await names("JOSE")
            #expect(jose.contains("José Álvarez") && jose.contains("Joseph Lee"))
            #expect(try await names("alv").contains("José Álvarez"))
            #expect(!(try await names("lvarez")).contains("José Álvarez"))
            #expect(try await names("nunez").contains(">Sam<"))
            #expect(try await names("obri").contains(">Sam<"))
            #expect(try await names("jos%20alv").contains("José Álvarez"))
            #expect(!(try await names("jos%20alv")).contains("Joseph Lee"))
            let first = try await names("alex")
            #expect(first.components(separatedBy: "Alex Number").count - 1 == 25)
            #expect(first.contains("rel=\"next\""))
            let second = try await browser.get("/participants?q=alex&page=2").body.string
            #expect(second.components(separatedBy: "Alex Number").count - 1 == 5)
            #expect(second.contains("Alex Number29") && !second.contains("rel=\"next\""))
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            let scoped = try await coachBrowser.get("/participants?q=jose").body.string
            #expect(scoped.contains("José Álvarez") && !scoped.contains("Joseph Lee"))
        }
    }

    @Test("an admin deletes a participant with everything about them; a coach may not")
    func delete() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (participant, _) = try await app.makeParticipant("Mei Chen", in: admin.organization, coach: coach.user)
            let path = "/participants/\(participant.id!.uuidString)/delete"
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            #expect(try await coachBrowser.post(path, ["confirm": "yes"], tokenFrom: "/").status == .forbidden)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            #expect(try await browser.post(path, [:], tokenFrom: path).status == .unprocessableEntity)
            #expect(try await browser.post(path, ["confirm": "yes"], tokenFrom: path).status == .seeOther)
            #expect(try await Participant.query(on: app.db).count() == 0)
            #expect(try await Engagement.query(on: app.db).count() == 0)
            #expect(try await ParticipantSearchTerm.query(on: app.db).count() == 0)
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == "participant.delete")
                    .filter(\.$participantID == participant.id!).filter(\.$outcome == "success").count() == 1)
        }
    }

    @Test("a deleted participant's sign-in no longer reaches the organization; one used elsewhere keeps the rest")
    func deleteWithSignIn() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let hills = try await app.makeOrganization("Hillside", email: "admin@hills.org")
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            // Mei has a sign-in here only; Jo also in Hillside.
            let mei = try await app.addMember(.participant, to: admin.organization, email: "mei@example.org")
            let jo = try await app.addMember(.participant, to: admin.organization, email: "jo@example.org")
            try await Membership(userID: jo.user.id!, organizationID: hills.organization.id!, role: .participant)
                .create(on: app.db)
            let (meiRecord, _) = try await app.makeParticipant(
                "Mei Chen", in: admin.organization, coach: coach.user, user: mei.user)
            let (joRecord, _) = try await app.makeParticipant(
                "Jo Park", in: admin.organization, coach: coach.user, user: jo.user)
            let meiBrowser = try await TestBrowser.signedIn(app, mei)
            let joBrowser = try await TestBrowser.signedIn(app, jo)
            #expect(try await meiBrowser.get("/").status == .ok)

            let browser = try await TestBrowser.signedIn(app, admin)
            for record in [meiRecord, joRecord] {
                let path = "/participants/\(record.id!.uuidString)/delete"
                #expect(try await browser.post(path, ["confirm": "yes"], tokenFrom: path).status == .seeOther)
            }
            // Their sessions here end, and no membership is left to sign in to.
            #expect(try await meiBrowser.get("/").status == .seeOther)
            #expect(try await joBrowser.get("/").status == .seeOther)
            let left = try await Membership.query(on: app.db).filter(\.$user.$id ~~ [mei.user.id!, jo.user.id!]).all()
            #expect(left.count == 1 && left[0].$organization.id == hills.organization.id)
            // Mei's sign-in, used nowhere else, no longer names her nor opens anything.
            let meiUser = try #require(try await User.find(mei.user.id!, on: app.db))
            #expect(!meiUser.email.contains("mei") && !meiUser.displayName.contains("Mei"))
            #expect(try await TestBrowser(app).signIn(mei).status != .seeOther)
            // Jo still signs in, to Hillside.
            let again = try await TestBrowser.signedIn(app, jo)
            #expect(try await again.get("/").body.string.contains("· Hillside · Tandem</title>"))
        }
    }

    @Test("a participant changes their own details, recovery start date included, but not what identifies them")
    func ownDetails() async throws {
        try await withTandem { app in
            let (_, _, person, participant) = try await app.checkInPeople()
            participant.legalName = "Dana Q. Reyes"
            participant.dateOfBirth = "1990-02-28"
            try await participant.save(on: app.db)
            let browser = try await TestBrowser.signedIn(app, person)
            let record = "/participants/\(participant.id!)"
            #expect(try await browser.get(record).body.string.contains("id=\"edit-participant\""))
            let form = try await browser.get(record + "/edit").body.string
            #expect(form.contains("id=\"own-details-intro\"") && form.contains("name=\"recovery_start_date\""))
            #expect(!form.contains("name=\"legal_name\"") && !form.contains("name=\"date_of_birth\""))
            let saved = try await browser.post(
                record,
                pairs: [
                    ("preferred_name", "Dani"), ("pronouns", "she/they"), ("recovery_start_date", "2026-06-01"),
                    ("language", "es"), ("legal_name", "Someone Else"), ("date_of_birth", "2001-01-01"),
                    ("email", "elsewhere@example.org"),
                ], tokenFrom: record + "/edit")
            #expect(saved.status == .seeOther)
            let stored = try #require(try await Participant.find(participant.id, on: app.db))
            #expect(stored.preferredName == "Dani" && stored.pronouns == "she/they")
            #expect(stored.recoveryStartDate == "2026-06-01" && stored.language == "es")
            #expect(stored.legalName == "Dana Q. Reyes" && stored.dateOfBirth == "1990-02-28" && stored.email == "")
            // Someone else's record is not theirs to change.
            let (other, _) = try await app.makeParticipant(
                "Other Person", in: try #require(try await Organization.find(participant.$organization.id, on: app.db)),
                coach: try #require(try await User.query(on: app.db).filter(\.$email == "coach@example.org").first()))
            #expect(
                try await browser.post("/participants/\(other.id!)", ["preferred_name": "X"], tokenFrom: record)
                    .status == .forbidden)
        }
    }

    @Test("an invited participant signs in to their own record, sees their coach and access history")
    func invitation() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (participant, _) = try await app.makeParticipant("Keisha", in: admin.organization, coach: coach.user)
            // Her coach noted Spanish: the invitation and her pages after joining speak it.
            participant.language = "es"
            try await participant.save(on: app.db)
            let (someoneElse, _) = try await app.makeParticipant("Eli", in: admin.organization, coach: coach.user)
            let record = "/participants/\(participant.id!.uuidString)"
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            let invited = try await coachBrowser.post(
                record + "/invite", ["email": "keisha@example.org"], tokenFrom: record)
            let link = try #require(element("invite-link", in: invited.body.string))
            let path = String(link[link.range(of: "/invite/")!.lowerBound...])
            let browser = TestBrowser(app)
            let invitation = try await browser.get(path).body.string
            #expect(invitation.contains("<html lang=\"es\"") && invitation.contains("Su coach le invita a Tandem"))
            let accepted = try await browser.post(
                path, ["display_name": "Keisha M", "password": testPassword], tokenFrom: path)
            #expect(accepted.status == .seeOther)
            let linked = try #require(try await Participant.find(participant.id, on: app.db))
            #expect(linked.$user.id != nil)
            let home = try await browser.get("/").body.string
            #expect(element("my-coaches", in: home)?.contains("Member coach") == true)
            #expect(home.contains("<html lang=\"es\""))
            #expect(try await User.query(on: app.db).filter(\.$email == "keisha@example.org").first()?.language == "es")
            #expect(try await browser.get(record).status == .ok)
            #expect(try await browser.get("/participants/\(someoneElse.id!.uuidString)").status == .forbidden)
            #expect(try await browser.get("/participants").status == .forbidden)
            let history = try await browser.get(record + "/access-history")
            #expect(history.status == .ok && history.body.string.contains("Member coach"))
            // Her own looks are left out unless she asks for them.
            let own = try await AuditEvent.query(on: app.db).filter(\.$participantID == participant.id!)
                .filter(\.$actorID == linked.$user.id!).count()
            #expect(own > 0)
            let name = try #require(try await User.find(linked.$user.id, on: app.db)).displayName
            #expect(!history.body.string.contains(name + " (") && history.body.string.contains("access-history?mine=1"))
            #expect(try await browser.get(record + "/access-history?mine=1").body.string.contains(name + " ("))
            #expect(try await coachBrowser.get(record + "/access-history").status == .forbidden)
            let accepts = try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.accept").first()
            #expect(accepts?.participantID == participant.id)
        }
    }

    @Test("only the newest sign-in invitation for a record works")
    func newestInvitation() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (participant, _) = try await app.makeParticipant("Jamie", in: admin.organization, coach: coach.user)
            let record = "/participants/\(participant.id!.uuidString)"
            let coachBrowser = TestBrowser(app)
            try await coachBrowser.signIn(coach)
            func invite(_ email: String) async throws -> String {
                let page = try await coachBrowser.post(record + "/invite", ["email": email], tokenFrom: record)
                let link = try #require(element("invite-link", in: page.body.string))
                return String(link[link.range(of: "/invite/")!.lowerBound...])
            }
            let mistyped = try await invite("jamie@gmial.com")
            let right = try await invite("jamie@gmail.com")
            let stranger = TestBrowser(app)
            let refused = try await stranger.post(
                mistyped, ["display_name": "Not Jamie", "password": testPassword], tokenFrom: "/signin")
            #expect(refused.status == .notFound)
            #expect(try await Participant.find(participant.id, on: app.db)?.$user.id == nil)
            let jamie = TestBrowser(app)
            let accepted = try await jamie.post(
                right, ["display_name": "Jamie", "password": testPassword], tokenFrom: right)
            #expect(accepted.status == .seeOther)
            #expect(try await Participant.find(participant.id, on: app.db)?.$user.id != nil)
        }
    }
}

@Suite("Name search terms")
struct NameSearchStorageTests {
    @Test("terms compare by code point on either database, so prefix ranges hold in any locale")
    func codePointOrder() async throws {
        try await withTandem { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            try await app.makeParticipant("Ana Lopez", in: admin.organization, coach: coach.user)
            try await app.makeParticipant("Luis Ruiz", in: admin.organization, coach: coach.user)
            let browser = TestBrowser(app)
            try await browser.signIn(admin)
            #expect(try await browser.get("/participants?q=lopez").body.string.contains("Ana Lopez"))
            #expect(try await browser.get("/participants?q=ruiz").body.string.contains("Luis Ruiz"))
            if sql.dialect.name == "postgresql" {
                struct Collation: Decodable { let collation_name: String? }
                let column = try await sql.raw(
                    "SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'participant_search_terms' AND column_name = 'term'"
                ).first(decoding: Collation.self)
                #expect(column?.collation_name == "C")
            }
        }
    }
}
