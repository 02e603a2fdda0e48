import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Every route in the route table, tried by a visitor who is not signed in: only the
/// public ones may answer with a page; the rest must send them to sign in or refuse.
/// A new route is covered the day it is added.
@Suite("Authorization matrix")
struct RouteMatrixTests {
    /// Routes anyone may reach without signing in.
    static let publicRoutes: Set<String> = [
        "GET /signin", "POST /signin", "GET /signin/code", "POST /signin/code", "POST /signout", "GET /crisis",
        "POST /language", "GET /setup/:token", "POST /setup/:token", "GET /invite/:token", "POST /invite/:token",
        "GET /reset/:token", "POST /reset/:token", "GET /healthz", "GET /readyz", "GET /metrics",
        "GET /api/openapi.json", "POST /api/v1/tokens", "GET /calendar/:token", "GET /meetings.json",
        "GET /organizations/:organizationID/meetings.json", "GET /organizations/:organizationID/meetings",
        "GET /organizations/:organizationID/meetings/:meetingID",
        "GET /organizations/:organizationID/meetings/:meetingID/calendar.ics",
        // Online programs: their public pages, enrolling with a new sign-in, and the link that
        // finishes a sign-up mailed to a new address.
        "GET /programs", "GET /programs/:programID", "POST /programs/:programID/enroll", "GET /join/:token",
        "POST /join/:token",
        // The organization's public site: articles, comments, ratings, following by e-mail.
        "GET /organizations/:organizationID", "GET /organizations/:organizationID/articles",
        "GET /organizations/:organizationID/articles.atom", "GET /organizations/:organizationID/articles/:slug",
        "GET /organizations/:organizationID/tags/:tag", "POST /organizations/:organizationID/articles/:slug/comments",
        "POST /organizations/:organizationID/articles/:slug/rating",
        "POST /organizations/:organizationID/comments/:commentID/report", "POST /organizations/:organizationID/follow",
        "GET /articles.atom", "GET /follow/:token", "POST /follow/:token", "GET /unsubscribe/:token",
        "POST /unsubscribe/:token",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test("anonymous visitors get a redirect to sign in, 401 or 403, never data")
    func anonymous() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let membership = try #require(try await Membership.query(on: app.db).first())
            let routes = app.routes.all.filter { !Self.publicRoutes.contains(Self.key($0)) }
            #expect(routes.count >= 12)
            for route in routes {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return membership.id!.uuidString }
                        return component.description
                    }.joined(separator: "/")
                let browser = TestBrowser(app)
                let response: TestingHTTPResponse
                if route.method == .GET {
                    response = try await browser.get(path)
                } else if path.hasPrefix("/api/") {
                    response = try await browser.send(route.method, path)
                } else {
                    // With a valid pre-sign-in CSRF token, so the refusal comes from the access check.
                    response = try await browser.post(path, [:], tokenFrom: "/signin")
                }
                let key = Self.key(route)
                if path.hasPrefix("/api/") {
                    #expect(response.status == .unauthorized, "\(key)")
                } else {
                    #expect(
                        response.status == .seeOther && response.location == "/signin", "\(key) → \(response.status)")
                }
            }
            _ = admin
        }
    }

    @Test("a participant cannot reach any admin page or action")
    func participant() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let participant = try await app.addMember(.participant, to: admin.organization, email: "p@example.org")
            let membership = try #require(try await Membership.query(on: app.db).first())
            let browser = TestBrowser(app)
            try await browser.signIn(participant)
            let csrf = try await browser.token(from: "/")
            for route in app.routes.all where Self.key(route).contains("/admin/") {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return membership.id!.uuidString }
                        return component.description
                    }.joined(separator: "/")
                let response =
                    route.method == .GET ? try await browser.get(path) : try await browser.post(path, [:], csrf: csrf)
                #expect(response.status == .forbidden, "\(Self.key(route))")
            }
        }
    }
}

/// Every route that touches one participant's data, HTML and API, tried by everyone who
/// must not reach it: a user of another organization, a coach not on the engagement, a
/// participant looking at someone else, a family member and a partner. Each gets 403 or
/// 404, the record's name never appears, and nothing changes. Routes come from the route
/// table; a new one without a sample request fails the test until it is given one.
@Suite("Authorization matrix for participant data")
struct ParticipantRouteMatrixTests {
    /// A plausible request body for each unsafe route, so a refusal comes from the access check.
    @Test("outsiders get 403 or 404 from every participant route, never data, and change nothing")
    func outsiders() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let (person, engagement) = try await app.makeParticipant(
                "Secret Person", in: admin.organization, coach: coach.user)
            let outsiders = [
                try await app.makeOrganization("Elsewhere", email: "admin@elsewhere.org"),
                try await app.addMember(.coach, to: admin.organization, email: "stranger@example.org"),
                try await app.addMember(.participant, to: admin.organization, email: "other@example.org"),
                try await app.addMember(.family, to: admin.organization, email: "family@example.org"),
                try await app.addMember(.partner, to: admin.organization, email: "partner@example.org"),
            ]
            try await app.makeParticipant(
                "Someone Else", in: admin.organization, coach: coach.user, user: outsiders[2].user)
            let checkIn = CheckIn(
                organizationID: admin.organization.id!, participantID: person.id!, day: CalendarDate("2026-03-01")!)
            checkIn.apply(CheckInAnswers(mood: 2, craving: 7, wentWell: "Secret Person's walk", wantsReachOut: true))
            try await checkIn.create(on: app.db)
            let note = SessionNote(organizationID: admin.organization.id!, authorID: coach.user.id!)
            note.apply(
                SessionNoteDraft(
                    date: "2026-03-02", start: "09:00", end: "09:30", mode: "phone", done: "Secret Person's walk",
                    response: "Glad", nextSteps: "Again"))
            note.status = .signed
            note.signedName = "Casey Coach"
            note.signedAt = Date()
            note.review = .pending
            try await note.create(on: app.db)
            try await SessionNoteParticipant(
                organizationID: admin.organization.id!, noteID: note.id!, participantID: person.id!
            ).create(on: app.db)
            let appointment = Appointment(
                organizationID: admin.organization.id!, participantID: person.id!, coachID: coach.user.id!,
                createdBy: coach.user.id!)
            appointment.apply(
                AppointmentDraft(mode: "in_person", place: "Secret Person's walk"),
                interval: (Date().addingTimeInterval(-3600), Date().addingTimeInterval(-1800)))
            try await appointment.create(on: app.db)
            let resource = try await ResourceTests.service(app, admin, .admin).save(nil, ResourceTests.detox())
            let referral = try await ReferralTests.service(app, coach, .coach).create(
                person.id!, .init(resourceID: resource.id, reason: "Secret Person's walk"))
            let coachActor = Actor(user: coach.user, organization: admin.organization, role: .coach)
            let consent = try await ConsentService(
                Request(application: app, on: app.eventLoopGroup.any()), actor: coachActor
            )
            .create(
                person.id!,
                .init(
                    recipientKind: "organization", recipientName: "Secret Person's walk club",
                    categories: ["check_ins"], purpose: "care_coordination", expiryKind: "day",
                    expiresOn: "2099-01-01", typedName: "Secret Person"))
            let correction = CorrectionRequest()
            correction.organizationID = admin.organization.id!
            correction.participantID = person.id!
            correction.section = "profile"
            correction.text = "Secret Person's walk"
            correction.status = .open
            correction.response = ""
            correction.createdBy = coach.user.id!
            try await correction.create(on: app.db)
            let alert = try await SafetyService(
                Request(application: app, on: app.eventLoopGroup.any()), actor: coachActor
            ).raise(person, source: .checkIn, key: "check_in:matrix")
            let trip = Trip()
            trip.organizationID = admin.organization.id!
            trip.participantID = person.id!
            trip.apply(
                TripDraft(purpose: "court", pickupPlace: "Secret Person's walk", destination: "Court"),
                interval: (Date().addingTimeInterval(86_400), Date().addingTimeInterval(90_000)), zone: .gmt)
            trip.status = .scheduled
            trip.cancelReason = ""
            trip.createdBy = coach.user.id!
            trip.createdAt = Date()
            try await trip.create(on: app.db)
            try await TripEscort(organizationID: admin.organization.id!, tripID: trip.id!, escortID: coach.user.id!)
                .create(on: app.db)
            let shift = try await CompanionPageTests.seedShift(
                app, organization: admin.organization, engagement: engagement, companion: coach.user,
                note: "Secret Person's walk")
            let routes = app.routes.all.filter { route in
                route.path.contains { component in
                    if case .parameter(let name) = component {
                        return [
                            "participantID", "engagementID", "participantId", "engagementId", "checkInID", "checkInId",
                            "noteID", "appointmentID", "noteId", "appointmentId", "referralID", "referralId",
                            "consentID", "consentId", "correctionID", "alertID", "alertId", "tripID", "tripId",
                            "shiftID", "shiftId",
                        ].contains(
                            name)
                    }
                    return false
                }
            }
            #expect(routes.count >= 24)
            func path(_ route: Route) -> String {
                "/"
                    + route.path.map { component -> String in
                        if case .parameter(let name) = component {
                            if name.lowercased() == "checkinid" { return checkIn.id!.uuidString }
                            if name.lowercased() == "noteid" { return note.id!.uuidString }
                            if name.lowercased() == "appointmentid" { return appointment.id!.uuidString }
                            if name.lowercased() == "referralid" { return referral.id!.uuidString }
                            if name.lowercased() == "consentid" { return consent.id!.uuidString }
                            if name == "correctionID" { return correction.id!.uuidString }
                            if name.lowercased() == "alertid" { return alert.id!.uuidString }
                            if name.lowercased() == "tripid" { return trip.id!.uuidString }
                            if name.lowercased() == "shiftid" { return shift.id!.uuidString }
                            return name.lowercased().hasPrefix("participant")
                                ? person.id!.uuidString : engagement.id!.uuidString
                        }
                        return component.description
                    }.joined(separator: "/")
            }
            for outsider in outsiders {
                let browser = TestBrowser(app)
                try await browser.signIn(outsider)
                let csrf = try await browser.token(from: "/account/security")
                let client = try await APIClient.signIn(app, outsider)
                let who = "\(outsider.email)"
                for route in routes {
                    let key = RouteMatrixTests.key(route)
                    let target = path(route)
                    let response: TestingHTTPResponse
                    if target.hasPrefix("/api/") {
                        var body: String?
                        if route.method != .GET && route.method != .DELETE {
                            body = try #require(Self.json[key], "add a sample body for \(key)")
                                .replacingOccurrences(of: "SELF", with: outsider.user.id!.uuidString)
                                .replacingOccurrences(of: "RESOURCE", with: resource.id!.uuidString)
                        }
                        response = try await client.send(
                            route.method, String(target.dropFirst("/api/v1".count)), json: body
                        ).0
                    } else if route.method == .GET {
                        response = try await browser.get(target)
                    } else {
                        let fields = try #require(Self.forms[key], "add a sample form for \(key)")
                            .map {
                                (
                                    $0.0,
                                    $0.1 == "SELF"
                                        ? outsider.user.id!.uuidString
                                        : $0.1 == "RESOURCE" ? resource.id!.uuidString : $0.1
                                )
                            }
                        response = try await browser.post(
                            target, pairs: fields + [("_csrf", csrf)], tokenFrom: "/account/security")
                    }
                    #expect([403, 404].contains(response.status.code), "\(who) \(key) → \(response.status)")
                    #expect(!response.body.string.contains("Secret Person"), "\(who) \(key)")
                    #expect(!response.body.string.contains("walk"), "\(who) \(key)")
                }
                for list in ["/", "/participants?q=secret", "/participants"] {
                    #expect(!(try await browser.get(list)).body.string.contains("Secret Person"), "\(who) \(list)")
                }
                for list in ["/participants?q=secret", "/engagements?status=all"] {
                    #expect(
                        !(try await client.send(.GET, list)).0.body.string.contains("Secret Person"), "\(who) \(list)")
                }
            }
            let unchanged = try #require(try await Participant.find(person.id, on: app.db))
            #expect(unchanged.preferredName == "Secret Person" && unchanged.$user.id == nil)
            #expect(try await Engagement.find(engagement.id, on: app.db)?.status == .active)
            #expect(try await Engagement.query(on: app.db).count() == 2)
            #expect(try await EngagementCoach.query(on: app.db).count() == 2)
            #expect(try await AgreementSignature.query(on: app.db).count() == 0)
            #expect(try await CheckIn.find(checkIn.id, on: app.db)?.reachOut == .open)
            #expect(try await CheckIn.query(on: app.db).count() == 1)
            #expect(try await RecoveryCapitalAssessment.query(on: app.db).count() == 0)
            #expect(try await RecoveryPlanVersion.query(on: app.db).count() == 0)
            #expect(try await Appointment.query(on: app.db).count() == 1)
            #expect(try await OutreachAttempt.query(on: app.db).count() == 0)
            #expect(try await Referral.find(referral.id, on: app.db)?.status == .suggested)
            #expect(try await Referral.query(on: app.db).count() == 1)
            #expect(try await ReferralStep.query(on: app.db).count() == 1)
            #expect(try await ParticipantPlace.query(on: app.db).count() == 0)
            #expect(try await Appointment.find(appointment.id, on: app.db)?.status == .scheduled)
            #expect(try await SessionNote.query(on: app.db).count() == 1)
            #expect(try await SessionNote.find(note.id, on: app.db)?.review == .pending)
            #expect(try await SessionNoteAddendum.query(on: app.db).count() == 0)
            #expect(try await SessionNoteParticipant.query(on: app.db).count() == 1)
            #expect(try await OneTimeLink.query(on: app.db).filter(\.$participant.$id == person.id!).count() == 0)
            #expect(try await ConsentRecord.query(on: app.db).count() == 1)
            #expect(try await ConsentRecord.find(consent.id, on: app.db)?.revokedAt == nil)
            #expect(try await Disclosure.query(on: app.db).count() == 0)
            #expect(try await CorrectionRequest.find(correction.id, on: app.db)?.status == .open)
            #expect(try await SafetyAlert.find(alert.id, on: app.db)?.acknowledgedAt == nil)
            #expect(try await CoveragePlanRecord.query(on: app.db).count() == 0)
            #expect(try await CompanionShift.query(on: app.db).count() == 1)
            #expect(try await CompanionShift.find(shift.id, on: app.db)?.handedOverAt == nil)
            #expect(try await ShiftLogRecord.query(on: app.db).count() == 1)
            #expect(try await SafetyAlert.query(on: app.db).count() == 1)
            #expect(try await Message.query(on: app.db).count() == 0)
            #expect(try await MessageRead.query(on: app.db).count() == 0)
        }
    }
}
