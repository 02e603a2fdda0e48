import Fluent
import Foundation
import TandemKit

/// A sober escort trip with a person: where from and to, when, how, who escorts, the fee.
final class Trip: Model, @unchecked Sendable {
    static let schema = "trips"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "purpose") var purpose: String
    @Field(key: "pickup_place") var pickupPlace: String
    @Field(key: "pickup_at") var pickupAt: Date
    @Field(key: "destination") var destination: String
    @OptionalField(key: "appointment_at") var appointmentAt: Date?
    /// The expected end of the escort's duty: escorts are taken until then.
    @Field(key: "ends_at") var endsAt: Date
    /// The legs as JSON: `[TripLeg]`.
    @Field(key: "legs") var legsJSON: String
    @Field(key: "rate_cents") var rateCents: Int
    @Field(key: "expenses_cents") var expensesCents: Int
    @Field(key: "notes") var notes: String
    @Enum(key: "status") var status: TripStatus
    @Field(key: "cancel_reason") var cancelReason: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var legs: [TripLeg] { (try? JSONDecoder().decode([TripLeg].self, from: Data(legsJSON.utf8))) ?? [] }
    var feeCents: Int { TripBooking.fee(rateCents: rateCents, expensesCents: expensesCents) }

    func apply(_ draft: TripDraft, interval: (start: Date, end: Date), zone: TimeZone) {
        purpose = draft.purpose
        pickupPlace = draft.pickupPlace
        pickupAt = interval.start
        destination = draft.destination
        appointmentAt = draft.appointment.flatMap {
            CalendarDate($0.date).flatMap { day in
                TimeOfDay(draft.appointmentTime).flatMap { AppointmentDraft.instant(day, $0, in: zone) }
            }
        }
        endsAt = interval.end
        legsJSON = String(decoding: (try? JSONEncoder().encode(draft.legs)) ?? Data("[]".utf8), as: UTF8.self)
        rateCents = draft.rateCents ?? 0
        expensesCents = draft.expensesCents ?? 0
        notes = draft.notes
    }
}

/// An escort taken for a trip's time.
final class TripEscort: Model, @unchecked Sendable {
    static let schema = "trip_escorts"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "trip_id") var tripID: UUID
    @Field(key: "escort_id") var escortID: UUID

    init() {}

    init(organizationID: UUID, tripID: UUID, escortID: UUID) {
        self.organizationID = organizationID
        self.tripID = tripID
        self.escortID = escortID
    }
}

/// One entry of the log an escort keeps on the way: a checkpoint or an incident.
final class TripLogRecord: Model, @unchecked Sendable {
    static let schema = "trip_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "trip_id") var tripID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "place") var place: String
    @Field(key: "handed_to") var handedTo: String
    @Field(key: "severity") var severity: String
    @Field(key: "note") var note: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    /// Chosen by the page or the app that sent it: an entry sent again is the same entry.
    @Field(key: "client_key") var clientKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
