import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Sober escort trips in the API, over the same service as the pages. The log takes a
/// client key, so an escort's app can retry on a poor connection without logging twice.
extension APIHandler {
    func listTrips(_ input: Operations.listTrips.Input) async throws -> Operations.listTrips.Output {
        try await api { req, actor in
            let service = TripService(req, actor: actor)
            let (_, _, trips) = try await service.trips(of: try Self.uuid(input.path.participantId, "participantId"))
            var items: [Schemas.Trip] = []
            for trip in trips { items.append(Self.trip(try await service.trip(trip.id!))) }
            return .ok(.init(body: .json(.init(items: items))))
        }
    }

    func bookTrip(_ input: Operations.bookTrip.Input) async throws -> Operations.bookTrip.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = TripService(req, actor: actor)
            let trip = try await service.book(
                try Self.uuid(input.path.participantId, "participantId"),
                TripDraft(
                    purpose: body.purpose.rawValue, pickupPlace: body.pickupPlace, pickupDate: body.pickupDate,
                    pickupTime: body.pickupTime, destination: body.destination,
                    appointmentDate: body.appointmentDate ?? "", appointmentTime: body.appointmentTime ?? "",
                    endDate: body.endDate, endTime: body.endTime,
                    legs: (body.legs ?? []).map {
                        TripLeg(mode: $0.mode.rawValue, carrier: $0.carrier ?? "", reference: $0.reference ?? "")
                    }, rate: Money.text(body.rateCents ?? 0), expenses: Money.text(body.expensesCents ?? 0),
                    notes: body.notes ?? ""))
            return .created(.init(body: .json(Self.trip(try await service.trip(trip.id!)))))
        }
    }

    func listUpcomingTrips(_ input: Operations.listUpcomingTrips.Input) async throws
        -> Operations.listUpcomingTrips.Output
    {
        try await api { req, actor in
            let service = TripService(req, actor: actor)
            var items: [Schemas.Trip] = []
            for row in try await service.upcoming() { items.append(Self.trip(try await service.trip(row.trip.id!))) }
            return .ok(.init(body: .json(.init(items: items))))
        }
    }

    func getTrip(_ input: Operations.getTrip.Input) async throws -> Operations.getTrip.Output {
        try await api { req, actor in
            .ok(
                .init(
                    body: .json(
                        Self.trip(
                            try await TripService(req, actor: actor).trip(try Self.uuid(input.path.tripId, "tripId")))))
            )
        }
    }

    func assignTripEscorts(_ input: Operations.assignTripEscorts.Input) async throws
        -> Operations.assignTripEscorts.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = TripService(req, actor: actor)
            let trip = try await service.assign(try Self.uuid(input.path.tripId, "tripId"), escorts: body.escortIds)
            return .ok(.init(body: .json(Self.trip(try await service.trip(trip.id!)))))
        }
    }

    func cancelTrip(_ input: Operations.cancelTrip.Input) async throws -> Operations.cancelTrip.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = TripService(req, actor: actor)
            let trip = try await service.cancel(try Self.uuid(input.path.tripId, "tripId"), reason: body.reason)
            return .ok(.init(body: .json(Self.trip(try await service.trip(trip.id!)))))
        }
    }

    func logTrip(_ input: Operations.logTrip.Input) async throws -> Operations.logTrip.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let record = try await TripService(req, actor: actor).log(
                try Self.uuid(input.path.tripId, "tripId"),
                TripLogEntry(
                    kind: body.kind.rawValue, place: body.place ?? "", handedTo: body.handedTo ?? "",
                    severity: body.severity?.rawValue ?? "", note: body.note ?? ""), clientKey: body.clientKey)
            return .created(.init(body: .json(Self.logEntry(record))))
        }
    }

    static func trip(_ detail: TripService.Detail) -> Schemas.Trip {
        let trip = detail.trip
        return .init(
            id: trip.id!.uuidString, participantId: trip.participantID.uuidString,
            participantName: detail.participant.preferredName, purpose: trip.purpose, pickupPlace: trip.pickupPlace,
            pickupAt: trip.pickupAt, destination: trip.destination, appointmentAt: trip.appointmentAt,
            endsAt: trip.endsAt,
            legs: trip.legs.map {
                .init(mode: .init(rawValue: $0.mode) ?? .other, carrier: $0.carrier, reference: $0.reference)
            }, rateCents: detail.canManage ? trip.rateCents : nil,
            expensesCents: detail.canManage ? trip.expensesCents : nil,
            status: .init(rawValue: trip.status.rawValue) ?? .requested, cancelReason: trip.cancelReason,
            escorts: detail.escorts.map { .init(id: $0.id.uuidString, name: $0.name) },
            log: detail.log.map(logEntry))
    }

    static func logEntry(_ record: TripLogRecord) -> Schemas.TripLogEntry {
        .init(
            id: record.id!.uuidString, kind: .init(rawValue: record.kind) ?? .stop, at: record.createdAt,
            place: record.place, handedTo: record.handedTo,
            severity: record.severity.isEmpty ? nil : .init(rawValue: record.severity), note: record.note,
            authorName: record.authorName)
    }
}
