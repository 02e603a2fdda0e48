import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Sober escort trips through the pages: booking, escorts and double bookings, the log kept
/// on the way (an entry sent twice kept once), who sees a trip, and sharing under consent.
@Suite("Escort trips")
struct TripPageTests {
    static func tripForm(day: CalendarDate, start: String = "08:00", end: String = "14:00") -> [String: String] {
        [
            "purpose": "treatment_admission", "pickup_place": "Home", "pickup_date": day.description,
            "pickup_time": start, "destination": "Lakeside Treatment", "end_date": day.description, "end_time": end,
            "leg_0_mode": "car", "rate": "300", "expenses": "45.50",
        ]
    }

    @Test("book, assign escorts without double booking, log the trip to its hand-off, and see who may read it")
    func wholeTrip() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let escort = try await app.addMember(.coach, to: w.admin.organization, email: "escort@example.org")
            let outsider = try await app.addMember(.coach, to: w.admin.organization, email: "outsider@example.org")
            let day = ParticipantService.today(in: w.admin.organization).adding(days: 2)!
            let coach = try await TestBrowser.signedIn(app, w.coach)
            let new = "/participants/\(w.rosa.id!)/trips/new"

            // A booking with its end before its start changes nothing.
            var response = try await coach.post(
                "/participants/\(w.rosa.id!)/trips", Self.tripForm(day: day, end: "07:00"), tokenFrom: new)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("end_date-error"))
            #expect(try await Trip.query(on: app.db).count() == 0)
            response = try await coach.post(
                "/participants/\(w.rosa.id!)/trips", Self.tripForm(day: day), tokenFrom: new)
            #expect(response.status == .seeOther)
            let trip = try #require(try await Trip.query(on: app.db).first())
            #expect(trip.status == .requested && trip.feeCents == 34_550)
            let page = "/trips/\(trip.id!)"

            // Escorts: the escort is free; a second trip at the same time cannot take them too.
            response = try await coach.post(
                "\(page)/escorts", ["escorts[]": escort.user.id!.uuidString], tokenFrom: page)
            #expect(response.status == .seeOther)
            #expect(try await Trip.find(trip.id, on: app.db)?.status == .scheduled)
            try await coach.post(
                "/participants/\(w.rosa.id!)/trips", Self.tripForm(day: day, start: "12:00", end: "18:00"),
                tokenFrom: new)
            let second = try #require(try await Trip.query(on: app.db).filter(\.$id != trip.id!).first())
            response = try await coach.post(
                "/trips/\(second.id!)/escorts", ["escorts[]": escort.user.id!.uuidString],
                tokenFrom: "/trips/\(second.id!)")
            #expect(response.status == .unprocessableEntity && response.body.string.contains("escorts-error"))
            #expect(try await TripEscort.query(on: app.db).filter(\.$tripID == second.id!).count() == 0)

            // Who sees it: the escort (not the person's coach) and the person; not another coach.
            let escortBrowser = try await TestBrowser.signedIn(app, escort)
            #expect(try await escortBrowser.get("/trips").body.string.contains(page))
            #expect(try await escortBrowser.get(page).status == .ok)
            let outsiderBrowser = try await TestBrowser.signedIn(app, outsider)
            #expect(try await outsiderBrowser.get(page).status == .notFound)
            #expect(!(try await outsiderBrowser.get("/trips").body.string.contains(page)))
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            #expect(try await rosa.get("/participants/\(w.rosa.id!)/trips").body.string.contains(page))
            #expect(try await rosa.get(page).status == .ok)
            // Only the escort keeps the log; the coach who booked it does not.
            #expect(
                try await coach.post(
                    "\(page)/log", ["kind": "picked_up", "client_key": "k-coach-0001"], tokenFrom: page
                )
                .status == .forbidden)

            // The log: picked up starts the trip; the same entry sent twice is kept once.
            for _ in 0..<2 {
                response = try await escortBrowser.post(
                    "\(page)/log", ["kind": "picked_up", "place": "Home", "client_key": "k-0001-pickup"],
                    tokenFrom: page)
                #expect(response.status == .seeOther)
            }
            #expect(try await TripLogRecord.query(on: app.db).count() == 1)
            #expect(try await Trip.find(trip.id, on: app.db)?.status == .underWay)
            response = try await escortBrowser.post(
                "\(page)/log", ["kind": "incident", "note": "", "client_key": "k-0002-incident"], tokenFrom: page)
            #expect(response.status == .unprocessableEntity && response.body.string.contains("severity-error"))
            response = try await escortBrowser.post(
                "\(page)/log",
                [
                    "kind": "incident", "severity": "low",
                    "note": "Craving at the rest stop; we walked and talked it through.",
                    "client_key": "k-0003-incident",
                ], tokenFrom: page)
            #expect(response.status == .seeOther)
            response = try await escortBrowser.post(
                "\(page)/log",
                ["kind": "handed_off", "handed_to": "Nurse Kim, intake", "client_key": "k-0004-handoff"],
                tokenFrom: page)
            #expect(response.status == .seeOther)
            #expect(try await Trip.find(trip.id, on: app.db)?.status == .completed)
            #expect(
                try await escortBrowser.post(
                    "\(page)/log", ["kind": "stop", "client_key": "k-0005-late"], tokenFrom: page
                )
                .status == .conflict)
            let report = try await rosa.get("\(page)/report").body.string
            #expect(report.contains("Nurse Kim, intake") && report.contains("Craving at the rest stop"))

            // Shared with an outside party only under a consent for trip logs.
            let partner = try await TestBrowser.signedIn(app, w.partner)
            #expect(try await partner.get("/shared/\(w.rosa.id!)").status == .forbidden)
            #expect(try await partner.get(page).status == .notFound)
            response = try await rosa.post(
                "/participants/\(w.rosa.id!)/consents",
                pairs: ConsentPageTests.consentForm(
                    email: "liaison@example.org", categories: ["trip_and_shift_logs"], purpose: "care_coordination"),
                tokenFrom: "/participants/\(w.rosa.id!)/consents/new")
            #expect(response.status == .seeOther)
            let shared = try await partner.get("/shared/\(w.rosa.id!)").body.string
            #expect(shared.contains("shared-trip-logs") && shared.contains("Nurse Kim, intake"))
        }
    }

    @Test("cancelling needs a reason and frees the escort; a participant cannot book")
    func cancel() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let day = ParticipantService.today(in: w.admin.organization).adding(days: 3)!
            let coach = try await TestBrowser.signedIn(app, w.coach)
            let new = "/participants/\(w.rosa.id!)/trips/new"
            try await coach.post("/participants/\(w.rosa.id!)/trips", Self.tripForm(day: day), tokenFrom: new)
            let trip = try #require(try await Trip.query(on: app.db).first())
            let page = "/trips/\(trip.id!)"
            #expect(
                try await coach.post("\(page)/cancel", ["reason": ""], tokenFrom: page).status == .unprocessableEntity)
            #expect(
                try await coach.post("\(page)/cancel", ["reason": "Admission moved to next week"], tokenFrom: page)
                    .status == .seeOther)
            let cancelled = try #require(try await Trip.find(trip.id, on: app.db))
            #expect(cancelled.status == .cancelled && cancelled.cancelReason == "Admission moved to next week")
            let rosa = try await TestBrowser.signedIn(app, w.rosaAccount)
            #expect(try await rosa.get(new).status == .forbidden)
            #expect(
                try await rosa.post("/participants/\(w.rosa.id!)/trips", Self.tripForm(day: day), tokenFrom: "/")
                    .status == .forbidden)
            #expect(try await Trip.query(on: app.db).count() == 1)
        }
    }

    @Test("through the API: book, assign, log twice with one client key, and only the escort logs")
    func api() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let escort = try await app.addMember(.coach, to: w.admin.organization, email: "escort@example.org")
            let day = ParticipantService.today(in: w.admin.organization).adding(days: 2)!
            let coach = try await APIClient.signIn(app, w.coach)
            let booking = """
                {"purpose":"court","pickupPlace":"Home","pickupDate":"\(day)","pickupTime":"08:00",\
                "destination":"County Court","endDate":"\(day)","endTime":"12:00","legs":[{"mode":"car"}],\
                "rateCents":20000,"expensesCents":1550}
                """
            let booked = try await coach.send(.POST, "/participants/\(w.rosa.id!)/trips", json: booking)
            #expect(booked.0.status == .created && booked.1["status"] as? String == "requested")
            #expect(booked.1["rateCents"] as? Int == 20000)
            let id = try #require(booked.1["id"] as? String)
            let assigned = try await coach.send(
                .POST, "/trips/\(id)/escorts", json: #"{"escortIds":["\#(escort.user.id!.uuidString)"]}"#)
            #expect(assigned.0.status == .ok && assigned.1["status"] as? String == "scheduled")
            let escortAPI = try await APIClient.signIn(app, escort)
            let entry = #"{"clientKey":"3f1c2a9e-0001","kind":"picked_up","place":"Home"}"#
            let first = try await escortAPI.send(.POST, "/trips/\(id)/log", json: entry)
            let again = try await escortAPI.send(.POST, "/trips/\(id)/log", json: entry)
            #expect(first.0.status == .created && first.1["id"] as? String == again.1["id"] as? String)
            #expect(try await TripLogRecord.query(on: app.db).count() == 1)
            #expect(try await coach.send(.POST, "/trips/\(id)/log", json: entry).0.status == .forbidden)
            let seen = try await escortAPI.send(.GET, "/trips/\(id)")
            #expect(seen.1["status"] as? String == "under_way" && (seen.1["log"] as? [Any])?.count == 1)
            #expect(seen.1["rateCents"] == nil || seen.1["rateCents"] is NSNull)
            #expect((try await escortAPI.send(.GET, "/trips").1["items"] as? [Any])?.count == 1)
            let stranger = try await APIClient.signIn(app, w.stranger)
            #expect(try await stranger.send(.GET, "/trips/\(id)").0.status == .notFound)
        }
    }
}
