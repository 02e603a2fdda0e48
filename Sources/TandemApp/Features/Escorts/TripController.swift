import Fluent
import Foundation
import TandemKit
import Vapor

/// Sober escort pages: an escort's upcoming trips, a person's trips and booking one, one trip
/// with its escorts, its log (kept on a phone, one entry per tap even on a poor connection)
/// and cancelling, and the printable trip report.
struct TripController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("trips", use: upcoming)
        let person = routes.grouped("participants", ":participantID", "trips")
        person.get(use: list)
        person.get("new", use: newForm)
        person.post(use: book)
        routes.get("trips", ":tripID", use: show)
        routes.get("trips", ":tripID", "report", use: report)
        routes.post("trips", ":tripID", "escorts", use: assign)
        routes.post("trips", ":tripID", "cancel", use: cancel)
        routes.post("trips", ":tripID", "log", use: log)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let purpose: String
        let pickup: String
        let from: String
        let to: String
        let status: String
        let statusKey: String
    }

    static func row(_ trip: Trip, name: String, zone: TimeZone, req: Request) -> Row {
        Row(
            id: trip.id!.uuidString, name: name, purpose: req.t("trip_purpose_" + trip.purpose),
            pickup: when(trip.pickupAt, zone: zone, req: req), from: trip.pickupPlace, to: trip.destination,
            status: req.t("trip_status_" + trip.status.rawValue), statusKey: trip.status.rawValue)
    }

    static func when(_ instant: Date, zone: TimeZone, req: Request) -> String {
        let (day, time) = AppointmentController.local(instant, zone)
        return day.written(req.messages) + " " + time.description
    }

    struct ListBody: Encodable, Sendable {
        let participantID: String?
        let name: String
        let canBook: Bool
        let rows: [Row]
    }

    @Sendable func upcoming(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = TripService(req, actor: signedIn.actor)
        let rows = try await service.upcoming().map {
            Self.row($0.trip, name: $0.participantName, zone: service.timeZone, req: req)
        }
        return try await req.page(
            "trips/list", titleKey: "trips_upcoming_title",
            ListBody(participantID: nil, name: "", canBook: false, rows: rows))
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = TripService(req, actor: signedIn.actor)
        let (participant, canBook, trips) = try await service.trips(of: try req.id("participantID"))
        return try await req.page(
            "trips/list", titleKey: "trips_title",
            ListBody(
                participantID: participant.id!.uuidString, name: participant.preferredName, canBook: canBook,
                rows: trips.map { Self.row($0, name: participant.preferredName, zone: service.timeZone, req: req) }))
    }

    struct TripForm: Content {
        var purpose: String?
        var pickup_place: String?
        var pickup_date: String?
        var pickup_time: String?
        var destination: String?
        var appointment_date: String?
        var appointment_time: String?
        var end_date: String?
        var end_time: String?
        var leg_0_mode: String?
        var leg_0_carrier: String?
        var leg_0_reference: String?
        var leg_1_mode: String?
        var leg_1_carrier: String?
        var leg_1_reference: String?
        var leg_2_mode: String?
        var leg_2_carrier: String?
        var leg_2_reference: String?
        var rate: String?
        var expenses: String?
        var notes: String?

        var draft: TripDraft {
            TripDraft(
                purpose: purpose ?? "", pickupPlace: pickup_place ?? "", pickupDate: pickup_date ?? "",
                pickupTime: pickup_time ?? "", destination: destination ?? "", appointmentDate: appointment_date ?? "",
                appointmentTime: appointment_time ?? "", endDate: end_date ?? "", endTime: end_time ?? "",
                legs: [
                    TripLeg(mode: leg_0_mode ?? "", carrier: leg_0_carrier ?? "", reference: leg_0_reference ?? ""),
                    TripLeg(mode: leg_1_mode ?? "", carrier: leg_1_carrier ?? "", reference: leg_1_reference ?? ""),
                    TripLeg(mode: leg_2_mode ?? "", carrier: leg_2_carrier ?? "", reference: leg_2_reference ?? ""),
                ], rate: rate ?? "", expenses: expenses ?? "", notes: notes ?? "")
        }
    }

    struct LegField: Encodable, Sendable {
        let index: Int
        let number: Int
        let modes: [SelectOption]
        let carrier: String
        let reference: String
    }

    struct FormBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let purposes: [SelectOption]
        let v: [String: String]
        let legs: [LegField]
    }

    private func formPage(
        _ participantID: UUID, form: TripForm, req: Request, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let signedIn = try await req.signedIn()
        let (participant, _) = try await ParticipantService(req, actor: signedIn.actor).authorized(
            participantID, .schedule)
        let draft = form.draft
        let legs = (0..<3).map { index in
            let leg = draft.legs[index]
            return LegField(
                index: index, number: index + 1,
                modes: [SelectOption(value: "", label: req.t("trip_leg_none"), selected: leg.mode.isEmpty)]
                    + LegMode.allCases.map {
                        SelectOption(
                            value: $0.rawValue, label: req.t("trip_leg_" + $0.rawValue),
                            selected: $0.rawValue == leg.mode)
                    },
                carrier: leg.carrier, reference: leg.reference)
        }
        return try await req.page(
            "trips/new", titleKey: "trip_new_title",
            FormBody(
                participantID: participantID.uuidString, name: participant.preferredName,
                purposes: req.options(TripPurpose.self, prefix: "trip_purpose_", selected: form.purpose, blank: true),
                v: [
                    "pickup_place": draft.pickupPlace, "pickup_date": draft.pickupDate, "pickup_time": draft.pickupTime,
                    "destination": draft.destination, "appointment_date": draft.appointmentDate,
                    "appointment_time": draft.appointmentTime, "end_date": draft.endDate, "end_time": draft.endTime,
                    "rate": draft.rate, "expenses": draft.expenses, "notes": draft.notes,
                ], legs: legs),
            errors: errors, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await formPage(try req.id("participantID"), form: TripForm(), req: req)
    }

    @Sendable func book(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(TripForm.self)) ?? TripForm()
        do {
            let trip = try await TripService(req, actor: signedIn.actor).book(id, form.draft)
            return .redirect("/trips/\(trip.id!.uuidString)?booked=1")
        } catch ServiceError.invalid(let problems) {
            return try await formPage(
                id, form: form, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct LogRow: Encodable, Sendable {
        let kind: String
        let kindKey: String
        let at: String
        let place: String
        let handedTo: String
        let severity: String
        let note: String
        let author: String
    }

    struct ShowBody: Encodable, Sendable {
        let row: Row
        let participantID: String
        let appointment: String
        let ends: String
        let legs: [String]
        let fee: String
        let rate: String
        let expenses: String
        let notes: String
        let cancelReason: String
        let escorts: [String]
        let staff: [CheckOption]
        let canManage: Bool
        let canAssign: Bool
        let canCancel: Bool
        let canLog: Bool
        let kinds: [SelectOption]
        let severities: [SelectOption]
        let clientKey: String
        let log: [LogRow]
        let notice: String?
    }

    private func body(_ detail: TripService.Detail, req: Request, service: TripService) async throws -> ShowBody {
        let trip = detail.trip
        let zone = service.timeZone
        let chosen = Set(detail.escorts.map(\.id))
        let staff = detail.canManage ? try await service.scope.staffNames() : []
        let notice = ["booked", "assigned", "logged", "cancelled"].first { req.query[String.self, at: $0] != nil }
        return ShowBody(
            row: Self.row(trip, name: detail.participant.preferredName, zone: zone, req: req),
            participantID: detail.participant.id!.uuidString,
            appointment: trip.appointmentAt.map { Self.when($0, zone: zone, req: req) } ?? "",
            ends: Self.when(trip.endsAt, zone: zone, req: req),
            legs: trip.legs.map { leg in
                ([req.t("trip_leg_" + leg.mode)] + [leg.carrier, leg.reference].filter { !$0.isEmpty })
                    .joined(separator: " · ")
            }, fee: "$" + (Money.text(trip.feeCents).isEmpty ? "0.00" : Money.text(trip.feeCents)),
            rate: Money.text(trip.rateCents), expenses: Money.text(trip.expensesCents), notes: trip.notes,
            cancelReason: trip.cancelReason, escorts: detail.escorts.map(\.name),
            staff: staff.map { CheckOption(value: $0.id.uuidString, label: $0.name, checked: chosen.contains($0.id)) },
            canManage: detail.canManage,
            canAssign: detail.canManage && (trip.status == .requested || trip.status == .scheduled),
            canCancel: detail.canManage && trip.status.canCancel,
            canLog: detail.canLog && (trip.status == .scheduled || trip.status == .underWay),
            kinds: CheckpointKind.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("trip_log_" + $0.rawValue), selected: false)
            },
            severities: IncidentSeverity.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("trip_severity_" + $0.rawValue), selected: false)
            }, clientKey: UUID().uuidString,
            log: detail.log.map { Self.logRow($0, zone: zone, req: req) },
            notice: notice.map { req.t("trip_notice_" + $0) })
    }

    static func logRow(_ record: TripLogRecord, zone: TimeZone, req: Request) -> LogRow {
        LogRow(
            kind: req.t("trip_log_" + record.kind), kindKey: record.kind,
            at: when(record.createdAt, zone: zone, req: req), place: record.place, handedTo: record.handedTo,
            severity: record.severity.isEmpty ? "" : req.t("trip_severity_" + record.severity), note: record.note,
            author: record.authorName)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await showPage(req: req)
    }

    private func showPage(req: Request, errors: [FieldError] = [], status: HTTPStatus = .ok) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = TripService(req, actor: signedIn.actor)
        let detail = try await service.trip(try req.id("tripID"))
        return try await req.page(
            "trips/show", titleKey: "trip_title", try await body(detail, req: req, service: service), errors: errors,
            status: status)
    }

    @Sendable func report(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = TripService(req, actor: signedIn.actor)
        let detail = try await service.trip(try req.id("tripID"))
        return try await req.page(
            "trips/report", titleKey: "trip_report_title", try await body(detail, req: req, service: service))
    }

    struct EscortForm: Content {
        var escorts: [String]?
    }

    @Sendable func assign(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("tripID")
        let form = (try? req.content.decode(EscortForm.self)) ?? EscortForm()
        do {
            _ = try await TripService(req, actor: signedIn.actor).assign(id, escorts: form.escorts ?? [])
            return .redirect("/trips/\(id.uuidString)?assigned=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct CancelForm: Content {
        var reason: String?
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("tripID")
        let form = (try? req.content.decode(CancelForm.self)) ?? CancelForm()
        do {
            _ = try await TripService(req, actor: signedIn.actor).cancel(id, reason: form.reason ?? "")
            return .redirect("/trips/\(id.uuidString)?cancelled=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct LogForm: Content {
        var kind: String?
        var place: String?
        var handed_to: String?
        var severity: String?
        var note: String?
        var client_key: String?
    }

    @Sendable func log(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("tripID")
        let form = (try? req.content.decode(LogForm.self)) ?? LogForm()
        do {
            _ = try await TripService(req, actor: signedIn.actor).log(
                id,
                TripLogEntry(
                    kind: form.kind ?? "", place: form.place ?? "", handedTo: form.handed_to ?? "",
                    severity: form.severity ?? "", note: form.note ?? ""), clientKey: form.client_key ?? "")
            return .redirect("/trips/\(id.uuidString)?logged=1#trip-log")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
