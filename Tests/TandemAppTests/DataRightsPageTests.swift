import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// The person's data rights and family recovery coaching, through the pages and the API:
/// the download of everything about the person, corrections, anonymizing, and a family
/// member's own record.
@Suite("Data rights and family coaching")
struct DataRightsPageTests {
    @Test("download all my data: everything about the person, nothing about anyone else")
    func dataExport() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let (bo, _) = try await app.makeParticipant("Bo Unrelated", in: w.admin.organization, coach: w.coach.user)
            let theirs = CheckIn(
                organizationID: w.admin.organization.id!, participantID: bo.id!, day: CalendarDate("2026-11-20")!)
            theirs.apply(CheckInAnswers(mood: 2, craving: 6, wentWell: "Bo's own secret"))
            try await theirs.create(on: app.db)
            let people = ConsentService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.coach.user, organization: w.admin.organization, role: .coach))
            _ = try await people.create(
                bo.id!,
                .init(
                    recipientKind: "person", recipientName: "Bo's sister Zed", categories: ["plan"],
                    purpose: "family_support", expiryKind: "day", expiresOn: "2099-01-01", typedName: "Bo Unrelated"))
            _ = try await people.create(
                w.rosa.id!,
                .init(
                    recipientKind: "account", recipientEmail: "mother@example.org",
                    categories: ["milestones", "session_summaries"], purpose: "family_support",
                    expiryKind: "engagement", typedName: "Rosa Lopez"))
            // A note about Rosa alone, and a group session's note about Rosa and Bo.
            for (text, people) in [
                ("Rosa alone planned her week", [w.rosa]), ("Bo talked about his job", [w.rosa, bo]),
            ] {
                let note = SessionNote(organizationID: w.admin.organization.id!, authorID: w.coach.user.id!)
                note.apply(
                    SessionNoteDraft(
                        date: "2026-11-02", start: "09:00", end: "09:30", mode: "in_person", done: text,
                        response: "Engaged", nextSteps: "Again"))
                note.status = .signed
                note.signedName = "Casey Coach"
                note.signedAt = Date()
                note.review = .pending
                try await note.create(on: app.db)
                for person in people {
                    try await SessionNoteParticipant(
                        organizationID: w.admin.organization.id!, noteID: note.id!, participantID: person.id!
                    ).create(on: app.db)
                }
            }
            let shared = try await TestBrowser.signedIn(app, w.mother).get("/shared/\(w.rosa.id!)").body.string
            #expect(shared.contains("Rosa alone planned her week") && !shared.contains("his job"))
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            _ = try await rosa.post(
                "/participants/\(w.rosa.id!)/corrections", ["section": "profile", "text": "My pronouns are she/her"],
                tokenFrom: "/participants/\(w.rosa.id!)/corrections")
            let response = try await rosa.get("/participants/\(w.rosa.id!)/data.json")
            #expect(response.status == .ok && response.headers.contentType == .json)
            let json = response.body.string
            for mine in [
                "Rosa", "Rosa's private walk", "2025-10-01", "Elena Mother", "My pronouns are she/her",
                "Rosa alone planned her week",
            ] {
                #expect(json.contains(mine), "\(mine)")
            }
            for theirs in ["Bo Unrelated", "Bo's own secret", "Zed", "his job", bo.id!.uuidString] {
                #expect(!json.contains(theirs), "\(theirs)")
            }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let record = try #require(object["record"] as? [String: Any])
            #expect(
                Set(record.keys).isSuperset(of: ["checkIns", "milestones", "meetingAttendance", "tripAndShiftLogs"]))
            #expect(record["shows"] == nil)
            #expect((record["checkIns"] as? [[String: Any]])?.count == 1)
            #expect((object["consents"] as? [[String: Any]])?.count == 1)
            #expect((object["corrections"] as? [[String: Any]])?.count == 1)
            let notes = try #require(object["sessionNotes"] as? [[String: Any]])
            #expect(notes.count == 2 && notes.filter { $0["group"] as? Bool == true }.count == 1)
            // The page that prints, and the API, say the same; no one else may download it.
            let page = try await rosa.get("/participants/\(w.rosa.id!)/data").body.string
            #expect(page.contains("private walk") && !page.contains("own secret"))
            let (apiResponse, apiBody) = try await APIClient.signIn(app, w.rosaAccount).send(
                .GET, "/participants/\(w.rosa.id!)/data-export")
            #expect(
                apiResponse.status == .ok
                    && (apiBody["profile"] as? [String: Any])?["preferredName"] as? String == "Rosa")
            #expect(
                try await TestBrowser.signedIn(app, w.coach).get("/participants/\(w.rosa.id!)/data.json").status
                    == .forbidden)
            // An admin who does not coach Rosa downloads it for her without her recovery start
            // date and milestones, which only she and her coaches see.
            let forHer = try await TestBrowser.signedIn(app, w.admin).get("/participants/\(w.rosa.id!)/data.json")
            #expect(forHer.status == .ok && forHer.body.string.contains("Rosa's private walk"))
            #expect(!forHer.body.string.contains("2025-10-01"))
            let adminObject = try #require(
                try JSONSerialization.jsonObject(with: Data(forHer.body.string.utf8)) as? [String: Any])
            #expect((adminObject["record"] as? [String: Any])?["milestones"] == nil)
        }
    }

    @Test("the day count in the download is the person's own day, in the organization's zone when they set none")
    func dayCountInTheirZone() async throws {
        try await withTandem { app in
            let (admin, _, person, participant) = try await app.checkInPeople()
            // Far east and far west of UTC: at any hour one of them is on another date than UTC.
            for zone in ["Pacific/Kiritimati", "Etc/GMT+12"] {
                admin.organization.timeZone = zone
                try await admin.organization.save(on: app.db)
                let today = CheckInDay.of(Date(), participantZone: "", organizationZone: zone)
                let start = try #require(today.adding(days: -30))
                participant.recoveryStartDate = start.description
                try await participant.save(on: app.db)
                let json = try await TestBrowser.signedIn(app, person).get(
                    "/participants/\(participant.id!)/data.json")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(json.body.string.utf8)) as? [String: Any])
                let milestones = (object["record"] as? [String: Any])?["milestones"] as? [String: Any]
                #expect(milestones?["dayCount"] as? Int == Milestones.dayCount(start: start, today: today), "\(zone)")
            }
        }
    }

    @Test("a correction is asked, answered once with a reason when declined; anonymizing keeps the audit chain")
    func correctionsAndAnonymize() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            let page = "/participants/\(w.rosa.id!)/corrections"
            var response = try await rosa.post(page, ["section": "nowhere", "text": ""], tokenFrom: page)
            #expect(response.status == .unprocessableEntity)
            response = try await rosa.post(
                page, ["section": "check_ins", "text": "The 20th was a good day"], tokenFrom: page)
            #expect(response.status == .seeOther)
            let request = try #require(try await CorrectionRequest.query(on: app.db).first())
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(try await coach.get(page).body.string.contains("The 20th was a good day"))
            let answer = "/corrections/\(request.id!)/answer"
            response = try await coach.post(answer, ["status": "declined", "response": ""], tokenFrom: page)
            #expect(response.status == .unprocessableEntity)
            #expect(try await CorrectionRequest.find(request.id, on: app.db)?.status == .open)
            #expect(try await rosa.post(answer, ["status": "corrected"], tokenFrom: page).status == .forbidden)
            response = try await coach.post(answer, ["status": "corrected", "response": "Fixed"], tokenFrom: page)
            #expect(response.status == .seeOther)
            #expect(
                try await coach.post(answer, ["status": "declined", "response": "No"], tokenFrom: page).status
                    == .conflict)
            #expect(try await CorrectionRequest.find(request.id, on: app.db)?.response == "Fixed")

            let detox = try await ResourceTests.service(app, w.admin, .admin).save(nil, ResourceTests.detox())
            let referral = try await ReferralTests.service(app, w.coach, .coach).create(
                w.rosa.id!, .init(resourceID: detox.id, reason: "Rosa's safe withdrawal", agreed: true))
            _ = try await ReferralTests.service(app, w.coach, .coach).move(
                referral.id!, .init(status: .contacted, note: "Called Rosa's sister"))
            let shift = try await CompanionPageTests.seedShift(
                app, organization: w.admin.organization, engagement: w.engagement, companion: w.coach.user,
                note: "Rosa's evening walk")
            shift.handoverNote = "Rosa slept well"
            try await shift.save(on: app.db)
            // A consent in force, then the admin anonymizes the record.
            _ = try await rosa.post(
                "/participants/\(w.rosa.id!)/consents", pairs: ConsentPageTests.consentForm(),
                tokenFrom: "/participants/\(w.rosa.id!)/consents/new")
            let admin = try await TestBrowser.signedIn(app, w.admin)
            let anonymize = "/participants/\(w.rosa.id!)/anonymize"
            #expect(try await coach.post(anonymize, ["confirm": "yes"], tokenFrom: "/").status == .forbidden)
            #expect(try await admin.post(anonymize, [:], tokenFrom: anonymize).status == .unprocessableEntity)
            #expect(try await admin.post(anonymize, ["confirm": "yes"], tokenFrom: anonymize).status == .seeOther)
            let after = try #require(try await Participant.find(w.rosa.id, on: app.db))
            #expect(
                after.preferredName.hasPrefix("Anonymized") && after.$user.id == nil && after.recoveryStartDate == "")
            #expect(try await CheckIn.query(on: app.db).first()?.wentWell == "")
            #expect(try await CheckIn.query(on: app.db).count() == 1)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await CorrectionRequest.query(on: app.db).first()?.text == "")
            #expect(try await ReferralStep.query(on: app.db).all().allSatisfy { $0.note.isEmpty })
            #expect(try await Referral.query(on: app.db).first()?.reason == "")
            #expect(try await ConsentRecord.query(on: app.db).all().allSatisfy { $0.recipientName.isEmpty })
            #expect(try await CompanionShift.find(shift.id, on: app.db)?.handoverNote == "")
            #expect(try await ShiftLogRecord.query(on: app.db).all().allSatisfy { $0.note.isEmpty })
            let signIn = try #require(try await User.find(w.rosaAccount.user.id, on: app.db))
            #expect(signIn.email.hasSuffix("@invalid") && signIn.displayName.hasPrefix("Anonymized"))
            #expect(try await TestBrowser(app).signIn(w.rosaAccount).location != "/")
            #expect(try await TestBrowser.signedIn(app, w.mother).get("/shared/\(w.rosa.id!)").status == .forbidden)
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == "participant.anonymize")
                    .filter(\.$outcome == "success").count() == 1)
            // Deleting removes the consents and disclosures with the record; the chain stays intact.
            try await ParticipantService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.admin.user, organization: w.admin.organization, role: .admin)
            ).delete(w.rosa.id!)
            #expect(try await ConsentRecord.query(on: app.db).count() == 0)
            #expect(try await CorrectionRequest.query(on: app.db).count() == 0)
            #expect(try await CompanionShift.query(on: app.db).count() == 0)
            #expect(try await AuditLog.firstBrokenLink(on: app.db) == nil)
        }
    }

    @Test("a family member is coached on their own record: wellbeing check-in, family section, articles")
    func familyCoaching() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let (linda, _) = try await app.makeParticipant(
                "Linda", in: w.admin.organization, coach: w.coach.user, service: .familyRecoveryCoaching)
            // Invited as a family member, because family coaching is all she receives.
            let link = try await ParticipantService(
                Request(application: app, on: app.eventLoopGroup.any()),
                actor: Actor(user: w.coach.user, organization: w.admin.organization, role: .coach)
            ).inviteToSignIn(linda.id!, email: "linda@example.org")
            let invited = try #require(
                try await OneTimeLink.query(on: app.db).filter(\.$participant.$id == linda.id!).first())
            #expect(invited.role == .family && !link.isEmpty)
            let account = try await app.addMember(.family, to: w.admin.organization, email: "linda2@example.org")
            linda.$user.id = account.user.id
            try await linda.save(on: app.db)
            let browser = try await TestBrowser.signedIn(app, account)
            let home = try await browser.get("/").body.string
            #expect(home.contains("id=\"wellbeing-button\"") && home.contains("id=\"shared-with-me\""))
            #expect(try await browser.get("/check-in").location == "/wellbeing")
            // The recovery check-ins and the BARC-10 are not hers: no due badge, no charts, no form.
            #expect(!home.contains("id=\"recovery-capital-link\""))
            let record = try await browser.get("/participants/\(linda.id!)").body.string
            #expect(!record.contains("id=\"check-in-charts\"") && !record.contains("id=\"capital-summary\""))
            #expect(!record.contains("id=\"recovery-capital-link\""))
            #expect(try await browser.get("/participants/\(linda.id!)/recovery-capital/form").status == .forbidden)
            var response = try await browser.post(
                "/wellbeing", ["stress": "9", "sleep": "", "self_care": "3", "hope": "x"], tokenFrom: "/wellbeing")
            #expect(response.status == .unprocessableEntity)
            // Each message names its question.
            #expect(response.body.string.contains("Stress: ") && response.body.string.contains("Sleep: "))
            #expect(try await FamilyCheckIn.query(on: app.db).count() == 0)
            response = try await browser.post(
                "/wellbeing", ["stress": "4", "sleep": "2", "self_care": "3", "hope": "4", "note": "Hard week"],
                tokenFrom: "/wellbeing")
            #expect(response.status == .seeOther)
            response = try await browser.post(
                "/wellbeing", ["stress": "3", "sleep": "2", "self_care": "3", "hope": "5"], tokenFrom: "/wellbeing")
            let rows = try await FamilyCheckIn.query(on: app.db).all()
            #expect(rows.count == 1 && rows[0].stress == 3 && rows[0].hope == 5)
            // The recovery check-in is not hers, in the API either.
            let (refused, _) = try await APIClient.signIn(app, account).send(
                .POST, "/participants/\(linda.id!)/check-ins", json: #"{"mood":3,"craving":2}"#)
            #expect(refused.status == .forbidden)
            // Her coach reads them; Rosa's record stays closed to her.
            let coach = try await TestBrowser.signedIn(app, w.coach)
            #expect(try await coach.get("/participants/\(linda.id!)/wellbeing").status == .ok)
            #expect(try await browser.get("/participants/\(w.rosa.id!)/wellbeing").status == .forbidden)
            // A participant's daily check-in is the recovery one; the wellbeing form is for families.
            #expect(try await TestBrowser.signedIn(app, w.rosaAccount).get("/wellbeing").status == .forbidden)

            // The family section with the shipped articles, in English and Spanish.
            let section = try await browser.get("/family").body.string
            #expect(section.contains("/family/articles/naloxone") && section.contains("/family/articles/communication"))
            let naloxone = try await browser.get("/family/articles/naloxone").body.string
            #expect(naloxone.contains("call 911"))
            #expect(try await browser.get("/family/articles/nothing").status == .notFound)
            // Staff word their own; bad input changes nothing; clearing goes back to the original.
            let edit = "/admin/family-articles/naloxone/es"
            #expect(try await browser.get(edit).status == .forbidden)
            let admin = try await TestBrowser.signedIn(app, w.admin)
            response = try await admin.post(edit, ["title": "", "body": "Sin título"], tokenFrom: edit)
            #expect(response.status == .unprocessableEntity)
            response = try await admin.post(
                edit, ["title": "Naloxona en Riverbend", "body": "Pídala en la recepción.\n\nEs gratis."],
                tokenFrom: edit)
            #expect(response.status == .seeOther)
            let spanish = TestBrowser(app)
            try await spanish.signIn(account)
            _ = try await spanish.post("/language", ["lang": "es", "back": "/"], tokenFrom: "/")
            let own = try await spanish.get("/family/articles/naloxone").body.string
            #expect(own.contains("Naloxona en Riverbend") && own.contains("Es gratis."))
            #expect(try await browser.get("/family/articles/naloxone").body.string.contains("call 911"))
            _ = try await admin.post(edit, ["title": "", "body": ""], tokenFrom: edit)
            #expect(try await FamilyArticle.query(on: app.db).count() == 0)
        }
    }
}
