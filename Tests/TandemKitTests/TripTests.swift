import Foundation
import Testing

@testable import TandemKit

@Suite("Escort trips")
struct TripTests {
    static let zone = TimeZone(identifier: "America/New_York")!
    static let now = ISO8601DateFormatter().date(from: "2026-03-02T12:00:00Z")!

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(
        "overlapping times, and touching ones that are not",
        arguments: [
            ("10:00", "12:00", "11:00", "13:00", true), ("10:00", "12:00", "12:00", "13:00", false),
            ("10:00", "12:00", "08:00", "10:00", false), ("10:00", "12:00", "09:00", "13:00", true),
            ("10:00", "12:00", "10:30", "11:00", true), ("10:00", "12:00", "13:00", "14:00", false),
        ])
    func overlaps(aStart: String, aEnd: String, bStart: String, bEnd: String, expected: Bool) {
        func time(_ clock: String) -> Date { Self.at("2026-03-05T\(clock):00Z") }
        #expect(TripBooking.overlaps((time(aStart), time(aEnd)), (time(bStart), time(bEnd))) == expected)
        #expect(TripBooking.overlaps((time(bStart), time(bEnd)), (time(aStart), time(aEnd))) == expected)
    }

    @Test("a trip across midnight clashes with one the next morning; the one before it does not")
    func clashes() {
        let trip = (start: Self.at("2026-03-05T22:00:00Z"), end: Self.at("2026-03-06T09:00:00Z"))
        let existing = [
            (id: 1, start: Self.at("2026-03-06T08:00:00Z"), end: Self.at("2026-03-06T12:00:00Z")),
            (id: 2, start: Self.at("2026-03-05T12:00:00Z"), end: Self.at("2026-03-05T22:00:00Z")),
            (id: 3, start: Self.at("2026-03-04T00:00:00Z"), end: Self.at("2026-03-08T00:00:00Z")),
        ]
        #expect(TripBooking.clashes(trip, with: existing) == [1, 3])
    }

    @Test("the fee is the rate and the expenses, in cents")
    func fee() {
        #expect(TripBooking.fee(rateCents: Money.cents("450")!, expensesCents: Money.cents("212.35")!) == 66_235)
        // A comma only between thousands; a decimal comma is refused rather than read as thousands.
        #expect(Money.cents("1,250.00") == 125_000 && Money.cents("$12,345") == 1_234_500)
        #expect(Money.cents("49,50") == nil && Money.cents("1,25") == nil && Money.cents(",500") == nil)
        #expect(Money.cents("1,2500") == nil && Money.cents("49.50") == 4_950 && Money.cents("") == 0)
        #expect(TripBooking.fee(rateCents: 0, expensesCents: 0) == 0)
    }

    static func draft() -> TripDraft {
        TripDraft(
            purpose: "treatment_admission", pickupPlace: "Home", pickupDate: "2026-03-05", pickupTime: "07:00",
            destination: "Lakeside Treatment, Asheville", appointmentDate: "2026-03-05", appointmentTime: "15:00",
            endDate: "2026-03-05", endTime: "16:00",
            legs: [TripLeg(mode: "flight", carrier: "Delta", reference: "DL 123"), TripLeg()], rate: "450",
            expenses: "212.35", notes: "")
    }

    @Test("a complete booking has no problems and keeps only the legs filled in")
    func valid() {
        let draft = Self.draft().normalized()
        #expect(draft.problems(now: Self.now, in: Self.zone).isEmpty)
        #expect(draft.legs.count == 1)
        #expect(draft.rateCents == 45_000 && draft.expensesCents == 21_235)
        let interval = draft.interval(in: Self.zone)!
        #expect(interval.start == Self.at("2026-03-05T12:00:00Z"))
    }

    @Test("a trip over the change to summer time lasts its real hours")
    func daylightSaving() {
        var draft = Self.draft()
        draft.pickupDate = "2026-03-07"
        draft.pickupTime = "22:00"
        draft.endDate = "2026-03-08"
        draft.endTime = "06:00"
        draft.appointmentDate = ""
        draft.appointmentTime = ""
        let interval = draft.normalized().interval(in: Self.zone)!
        // 22:00 to 06:00 across the night the clocks go forward is seven hours, not eight.
        #expect(interval.end.timeIntervalSince(interval.start) == 7 * 3600)
    }

    @Test(
        "what a booking must get right",
        arguments: [
            ("purpose", "error_choose_one"), ("pickup_place", "error_trip_place_required"),
            ("pickup_date", "error_appointment_past"), ("end_date", "error_trip_end_before_start"),
            ("appointment_date", "error_trip_appointment_outside"), ("rate", "error_trip_money"),
            ("leg_0_mode", "error_choose_one"), ("too_long", "error_trip_too_long"),
        ])
    func invalid(field: String, key: String) {
        var draft = Self.draft()
        var expectedField = field
        switch field {
        case "purpose": draft.purpose = "holiday"
        case "pickup_place": draft.pickupPlace = " "
        case "pickup_date": draft.pickupDate = "2026-03-01"
        case "end_date": draft.endTime = "06:00"
        case "appointment_date": draft.appointmentTime = "17:00"
        case "rate": draft.rate = "lots"
        case "leg_0_mode": draft.legs = [TripLeg(mode: "boat", carrier: "Ferry")]
        default:
            draft.endDate = "2026-03-20"
            expectedField = "end_date"
        }
        let problems = draft.normalized().problems(now: Self.now, in: Self.zone)
        #expect(problems.map(\.field) == [expectedField])
        #expect(problems.first?.key == key)
    }

    @Test(
        "checkpoints move the trip along",
        arguments: [
            (CheckpointKind.pickedUp, TripStatus.scheduled, TripStatus.underWay), (.departed, .underWay, .underWay),
            (.handedOff, .underWay, .completed), (.incident, .underWay, .underWay), (.pickedUp, .underWay, .underWay),
            (.handedOff, .scheduled, .completed),
        ])
    func checkpoints(kind: CheckpointKind, from: TripStatus, to: TripStatus) {
        #expect(kind.status(after: from) == to)
    }

    @Test("a hand-off names who took over; an incident has a severity and says what happened")
    func entries() {
        #expect(TripLogEntry(kind: "handed_off").problems().map(\.field) == ["handed_to"])
        #expect(TripLogEntry(kind: "handed_off", handedTo: "Nurse Kim").problems().isEmpty)
        #expect(TripLogEntry(kind: "incident").problems().map(\.field) == ["severity", "note"])
        #expect(TripLogEntry(kind: "incident", severity: "high", note: "Left the gate area").problems().isEmpty)
        #expect(TripLogEntry(kind: "teleported").problems().map(\.field) == ["kind"])
        #expect(TripLogEntry(kind: "stop", place: "Rest area").problems().isEmpty)
    }
}
