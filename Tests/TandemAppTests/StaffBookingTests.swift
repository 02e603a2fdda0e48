import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// A companion or an escort is never booked twice for the same time, even when the bookings
/// arrive at the same moment on different connections.
@Suite("Bookings of staff made at once")
struct StaffBookingTests {
    static func request(_ app: Application) -> Request {
        Request(application: app, on: app.eventLoopGroup.next())
    }

    static func actor(_ account: Account) -> Actor {
        Actor(user: account.user, organization: account.organization, role: .coach)
    }

    /// Runs `work` `count` times at once and says how many succeeded; every other one must
    /// be refused as a double booking, not fail on the database.
    static func atOnce(_ count: Int, _ work: @escaping @Sendable (Int) async throws -> Void) async -> Int {
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await work(index)
                        return "booked"
                    } catch ServiceError.invalid(let problems) {
                        return problems.map(\.key).joined()
                    } catch {
                        return String(describing: error)
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0 == "booked" || $0.hasSuffix("_double_booked") }, "\(outcomes)")
        return outcomes.filter { $0 == "booked" }.count
    }

    @Test("eight overlapping shifts for one companion at once: one is kept")
    func shifts() async throws {
        try await withTandem { app in
            let s = try await CompanionPageTests.setup(app)
            let day = s.today.adding(days: 1)!.description
            let coach = Self.actor(s.w.coach)
            let engagement = s.w.engagement.id!
            let companion = s.companion.user.id!.uuidString
            let kept = await Self.atOnce(8) { index in
                _ = try await CompanionService(Self.request(app), actor: coach).addShift(
                    engagement, companion: companion, startDate: day, startTime: "0\(index):00", endDate: day,
                    endTime: "12:00")
            }
            #expect(kept == 1)
            #expect(try await CompanionShift.query(on: app.db).count() == 1)
            // Another companion at the same time is no clash.
            _ = try await CompanionService(Self.request(app), actor: coach).addShift(
                engagement, companion: s.next.user.id!.uuidString, startDate: day, startTime: "08:00", endDate: day,
                endTime: "12:00")
        }
    }

    @Test("one escort given to six overlapping trips at once: one trip gets them")
    func trips() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let escort = try await app.addMember(.coach, to: w.admin.organization, email: "escort@example.org")
            let day = ParticipantService.today(in: w.admin.organization).adding(days: 2)!
            let coach = Self.actor(w.coach)
            var trips: [UUID] = []
            for hour in 6..<12 {
                let form = TripPageTests.tripForm(day: day, start: "\(hour < 10 ? "0" : "")\(hour):00", end: "18:00")
                let draft = TripDraft(
                    purpose: form["purpose"]!, pickupPlace: form["pickup_place"]!, pickupDate: form["pickup_date"]!,
                    pickupTime: form["pickup_time"]!, destination: form["destination"]!, endDate: form["end_date"]!,
                    endTime: form["end_time"]!, legs: [TripLeg(mode: "car")], rate: "300")
                trips.append(try await TripService(Self.request(app), actor: coach).book(w.rosa.id!, draft).id!)
            }
            let booked = trips
            let assigned = await Self.atOnce(booked.count) { index in
                _ = try await TripService(Self.request(app), actor: coach).assign(
                    booked[index], escorts: [escort.user.id!.uuidString])
            }
            #expect(assigned == 1)
            #expect(try await TripEscort.query(on: app.db).count() == 1)
        }
    }
}
