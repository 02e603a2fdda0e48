import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Sober escort trips. Booking, assigning escorts and cancelling check `schedule` for the
/// person (their coaches, as for appointments); a trip is read by those who may see the
/// person's appointments (the person too) and by its escorts, and only its escorts keep its
/// log. An escort is never booked on two trips at once. Every step is audited for the person.
struct TripService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    func book(_ participantID: UUID, _ draft: TripDraft, now: Date = Date()) async throws -> Trip {
        _ = try await people.authorized(participantID, .schedule)
        let draft = draft.normalized()
        let problems = draft.problems(now: now, in: timeZone)
        guard problems.isEmpty, let interval = draft.interval(in: timeZone) else {
            throw ServiceError.invalid(problems.isEmpty ? [("pickup_date", "error_trip_time")] : problems)
        }
        let trip = Trip()
        trip.organizationID = actor.organizationID
        trip.participantID = participantID
        trip.apply(draft, interval: interval, zone: timeZone)
        trip.status = .requested
        trip.cancelReason = ""
        trip.createdBy = actor.userID
        trip.createdAt = now
        try await trip.create(on: req.db)
        try await audit("trip.create", trip)
        return trip
    }

    /// A person's trips, the latest first.
    func trips(of participantID: UUID) async throws -> (Participant, canBook: Bool, [Trip]) {
        let (participant, relation) = try await people.authorized(participantID, .viewAppointments)
        let trips = try await Trip.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$pickupAt, .descending).limit(200).all()
        try await people.audit("trip.list", participant: participantID)
        return (participant, ParticipantAccess.can(actor.role, .schedule, relation), trips)
    }

    struct Detail: Sendable {
        let trip: Trip
        let participant: Participant
        let escorts: [(id: UUID, name: String)]
        /// Assign escorts and cancel: the person's coaches, supervisors and admins.
        let canManage: Bool
        /// Keep the log: the trip's escorts.
        let canLog: Bool
        let log: [TripLogRecord]
    }

    /// One trip with its escorts and log, for its escorts and whoever may see the person's
    /// appointments; anyone else gets "not found". Audited.
    func trip(_ id: UUID) async throws -> Detail {
        guard
            let trip = try await Trip.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first(),
            let participant = try await scope.participant(trip.participantID)
        else { throw ServiceError.notFound }
        let escorts = try await escortNames(of: trip)
        let isEscort = escorts.contains { $0.id == actor.userID }
        let relation = try await scope.relation(to: participant)
        let seesPerson = ParticipantAccess.can(actor.role, .viewAppointments, relation)
        guard isEscort || seesPerson else {
            try await people.audit("trip.view", outcome: .denied, participant: participant.id)
            throw ServiceError.notFound
        }
        let log = try await TripLogRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$tripID == id).sort(\.$createdAt).all()
        try await audit("trip.view", trip)
        return Detail(
            trip: trip, participant: participant, escorts: escorts,
            canManage: ParticipantAccess.can(actor.role, .schedule, relation), canLog: isEscort, log: log)
    }

    private func escortNames(of trip: Trip) async throws -> [(id: UUID, name: String)] {
        let ids = try await TripEscort.query(on: req.db).filter(\.$tripID == trip.id!).all(\.$escortID)
        guard !ids.isEmpty else { return [] }
        return try await User.query(on: req.db).filter(\.$id ~~ ids).sort(\.$displayName).all()
            .map { ($0.id!, $0.displayName) }
    }

    /// Sets a trip's escorts (staff of the organization) and schedules it. Refused when one of
    /// them already has a trip, still ahead or going on, whose time overlaps this one.
    func assign(_ id: UUID, escorts raw: [String]) async throws -> Trip {
        let detail = try await trip(id)
        guard detail.canManage else { throw ServiceError.denied }
        let trip = detail.trip
        guard trip.status == .requested || trip.status == .scheduled else {
            throw ServiceError.conflict("error_trip_closed")
        }
        let staff = Set(try await scope.staffNames().map(\.id))
        let chosen = Array(Set(raw.compactMap(UUID.init(uuidString:)).filter(staff.contains)))
        guard !chosen.isEmpty, chosen.count == Set(raw).count else {
            throw ServiceError.invalid([("escorts", "error_trip_escorts")])
        }
        let organizationID = actor.organizationID
        // The clash is looked for with the escorts held, so two trips given the same escort
        // at once for overlapping times cannot both pass.
        try await req.db.bookingStaff(chosen, in: organizationID) { db in
            // The trip is held too, and must still be open: one cancelled meanwhile is not
            // brought back, and two assignments of this trip take turns.
            guard try await moveStatus(trip, from: [.requested, .scheduled], to: .scheduled, reason: nil, on: db)
            else { throw ServiceError.conflict("error_trip_closed") }
            let others = try await TripEscort.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$escortID ~~ chosen).filter(\.$tripID != trip.id!).all(\.$tripID)
            if !others.isEmpty {
                let busy = try await Trip.query(on: db).filter(\.$id ~~ others)
                    .filter(\.$status ~~ TripStatus.allCases.filter(\.holdsEscorts)).all()
                let clashes = TripBooking.clashes(
                    (trip.pickupAt, trip.endsAt), with: busy.map { (id: $0.id!, start: $0.pickupAt, end: $0.endsAt) })
                if !clashes.isEmpty { throw ServiceError.invalid([("escorts", "error_trip_double_booked")]) }
            }
            try await TripEscort.query(on: db).filter(\.$tripID == trip.id!).delete()
            for escort in chosen {
                try await TripEscort(organizationID: organizationID, tripID: trip.id!, escortID: escort).create(on: db)
            }
        }
        trip.status = .scheduled
        try await audit("trip.assign", trip)
        return trip
    }

    func cancel(_ id: UUID, reason: String) async throws -> Trip {
        let detail = try await trip(id)
        guard detail.canManage else { throw ServiceError.denied }
        guard detail.trip.status.canCancel else { throw ServiceError.conflict("error_trip_closed") }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let key = AppointmentReason.problem(reason) { throw ServiceError.invalid([("reason", key)]) }
        // Only while not yet under way, even if an escort logs the pickup at this very moment.
        guard
            try await moveStatus(
                detail.trip, from: [.requested, .scheduled], to: .cancelled, reason: reason, on: req.db)
        else { throw ServiceError.conflict("error_trip_closed") }
        detail.trip.status = .cancelled
        detail.trip.cancelReason = reason
        try await audit("trip.cancel", detail.trip)
        return detail.trip
    }

    /// Adds an entry to the log: the trip's escorts only, while it is scheduled or under way.
    /// An entry sent again with the same client key is the entry already kept.
    func log(_ id: UUID, _ entry: TripLogEntry, clientKey: String, now: Date = Date()) async throws -> TripLogRecord {
        let detail = try await trip(id)
        guard detail.canLog else { throw ServiceError.denied }
        guard let key = ClientKey.normalized(clientKey) else {
            throw ServiceError.invalid([("client_key", "error_value_invalid")])
        }
        if let kept = try await TripLogRecord.query(on: req.db).filter(\.$tripID == id).filter(\.$clientKey == key)
            .first()
        {
            return kept
        }
        let trip = detail.trip
        guard trip.status == .scheduled || trip.status == .underWay else {
            throw ServiceError.conflict("error_trip_not_going")
        }
        let problems = entry.problems()
        guard problems.isEmpty, let kind = CheckpointKind(rawValue: entry.kind) else {
            throw ServiceError.invalid(problems)
        }
        let record = TripLogRecord()
        record.organizationID = actor.organizationID
        record.tripID = id
        record.kind = kind.rawValue
        record.place = entry.place.trimmingCharacters(in: .whitespacesAndNewlines)
        record.handedTo = kind == .handedOff ? entry.handedTo.trimmingCharacters(in: .whitespacesAndNewlines) : ""
        record.severity = kind == .incident ? entry.severity : ""
        record.note = entry.note.trimmingCharacters(in: .whitespacesAndNewlines)
        record.authorID = actor.userID
        record.authorName = actor.user.displayName
        record.clientKey = key
        record.createdAt = now
        let next = kind.status(after: trip.status)
        do {
            let current = trip.status
            try await req.db.transaction { db in
                try await record.create(on: db)
                // Moved on only from the status this entry was checked against: a trip
                // cancelled or completed meanwhile stays as it is.
                if next != current,
                    !(try await moveStatus(trip, from: [current], to: next, reason: nil, on: db))
                {
                    throw ServiceError.conflict("error_trip_not_going")
                }
            }
            trip.status = next
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same entry arrived twice at once: the first one is kept.
            guard
                let kept = try await TripLogRecord.query(on: req.db).filter(\.$tripID == id)
                    .filter(\.$clientKey == key).first()
            else { throw ServiceError.conflict("error_trip_not_going") }
            return kept
        }
        try await people.audit("trip.log", participant: trip.participantID, subjectType: "trip_log", subject: record.id)
        return record
    }

    struct Upcoming: Sendable {
        let trip: Trip
        let participantName: String
    }

    /// Trips still ahead or going on: an escort's own; all of the organization's for
    /// supervisors and admins. Soonest first.
    func upcoming(now: Date = Date()) async throws -> [Upcoming] {
        guard actor.role.isStaff else { throw ServiceError.denied }
        var query = Trip.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$status ~~ TripStatus.allCases.filter(\.holdsEscorts)).filter(\.$endsAt >= now)
        if ParticipantAccess.reach(of: actor.role) != .organization {
            let mine = try await TripEscort.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$escortID == actor.userID).all(\.$tripID)
            guard !mine.isEmpty else { return [] }
            query = query.filter(\.$id ~~ mine)
        }
        let trips = try await query.sort(\.$pickupAt).limit(200).all()
        let names = Dictionary(
            try await scope.participants().filter(\.$id ~~ Set(trips.map(\.participantID))).all()
                .map { ($0.id!, $0.preferredName) }, uniquingKeysWith: { first, _ in first })
        try await req.audit(
            "trip.upcoming", actor: actor.userID, organization: actor.organizationID, subjectType: "trips",
            subject: nil)
        return trips.map { Upcoming(trip: $0, participantName: names[$0.participantID] ?? "") }
    }

    /// Changes a trip's status only if it is still one of `from`; false when it is not.
    private func moveStatus(
        _ trip: Trip, from: [TripStatus], to: TripStatus, reason: String?, on db: any Database
    ) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        var query: SQLQueryString = "UPDATE trips SET status = \(bind: to.rawValue)"
        if let reason {
            query.appendInterpolation(unsafeRaw: ", cancel_reason = "); query.appendInterpolation(bind: reason)
        }
        query.appendInterpolation(unsafeRaw: " WHERE id = ")
        query.appendInterpolation(bind: trip.id!)
        query.appendInterpolation(unsafeRaw: " AND organization_id = ")
        query.appendInterpolation(bind: trip.organizationID)
        query.appendInterpolation(unsafeRaw: " AND status IN (")
        query.appendInterpolation(binds: from.map(\.rawValue))
        query.appendInterpolation(unsafeRaw: ") RETURNING id")
        return !(try await sql.raw(query).all()).isEmpty
    }

    private func audit(_ action: String, _ trip: Trip) async throws {
        try await people.audit(action, participant: trip.participantID, subjectType: "trip", subject: trip.id)
    }
}
