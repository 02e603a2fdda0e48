import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Sober companion coverage, shifts, shift logs and weekly summaries in the API, over the
/// same service as the pages. The log takes a client key, as the trip log does.
extension APIHandler {
    /// Weekday names in the API, Monday first, and Calendar's numbers (1 = Sunday) inside.
    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func calendarWeekday(_ name: String) -> Int? {
        weekdayNames.firstIndex(of: name).map { $0 == 6 ? 1 : $0 + 2 }
    }

    func getCoverage(_ input: Operations.getCoverage.Input) async throws -> Operations.getCoverage.Output {
        try await api { req, actor in
            .ok(
                .init(
                    body: .json(
                        try await Self.coverage(try Self.uuid(input.path.engagementId, "engagementId"), req, actor))))
        }
    }

    func setCoveragePlan(_ input: Operations.setCoveragePlan.Input) async throws -> Operations.setCoveragePlan.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.engagementId, "engagementId")
            let service = CompanionService(req, actor: actor)
            if let cents = body.hourlyRateCents, !(0...Money.most).contains(cents) {
                throw ServiceError.invalid([("hourly_rate_cents", "error_trip_money")])
            }
            // Left out, the rate stays as it was.
            let cents: Int
            if let given = body.hourlyRateCents {
                cents = given
            } else {
                cents = try await service.plan(of: id)?.hourlyRateCents ?? 0
            }
            _ = try await service.savePlan(
                id, pattern: body.pattern.rawValue, start: body.startTime ?? "", end: body.endTime ?? "",
                weekdays: (body.weekdays ?? []).compactMap { Self.calendarWeekday($0.rawValue).map(String.init) },
                rate: Money.text(cents))
            return .ok(.init(body: .json(try await Self.coverage(id, req, actor))))
        }
    }

    func addShift(_ input: Operations.addShift.Input) async throws -> Operations.addShift.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = CompanionService(req, actor: actor)
            let shift = try await service.addShift(
                try Self.uuid(input.path.engagementId, "engagementId"), companion: body.companionId,
                startDate: body.startDate, startTime: body.startTime, endDate: body.endDate, endTime: body.endTime)
            return .created(.init(body: .json(Self.shift(try await service.detail(shift.id!), withLog: false))))
        }
    }

    func getWeeklySummary(_ input: Operations.getWeeklySummary.Input) async throws
        -> Operations.getWeeklySummary.Output
    {
        try await api { req, actor in
            let service = CompanionService(req, actor: actor)
            var day = CalendarDate(Date(), in: service.timeZone)
            if let asked = input.query.week {
                guard let parsed = CalendarDate(asked) else {
                    throw APIProblem(
                        status: .unprocessableEntity, reason: "week is not a date.",
                        fields: [.init(field: "week", message: "Give a date as YYYY-MM-DD.")])
                }
                day = parsed
            }
            let (engagement, participant, week) = try await service.week(
                try Self.uuid(input.path.engagementId, "engagementId"), ShiftWeek(containing: day))
            let summary = week.summary
            return .ok(
                .init(
                    body: .json(
                        .init(
                            engagementId: engagement.id!.uuidString, week: week.week.monday.description,
                            hours: CompanionHours.text(quarterHours: summary.quarterHours),
                            plannedHours: summary.plannedQuarterHours.map { CompanionHours.text(quarterHours: $0) },
                            uncoveredHours: summary.uncoveredQuarterHours.map {
                                CompanionHours.text(quarterHours: $0)
                            },
                            counts: ShiftLogCategory.allCases.compactMap { category in
                                summary.counts[category].map {
                                    .init(category: .init(rawValue: category.rawValue)!, count: $0)
                                }
                            },
                            shifts: week.shifts.map {
                                Self.shift(
                                    $0, participantName: participant.preferredName,
                                    companionName: week.names[$0.companionID] ?? "")
                            }, log: week.log.map(Self.shiftLogEntry)))))
        }
    }

    func listUpcomingShifts(_ input: Operations.listUpcomingShifts.Input) async throws
        -> Operations.listUpcomingShifts.Output
    {
        try await api { req, actor in
            let rows = try await CompanionService(req, actor: actor).upcoming()
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: rows.map {
                                Self.shift(
                                    $0.shift, participantName: $0.participantName, companionName: $0.companionName)
                            }))))
        }
    }

    func getShift(_ input: Operations.getShift.Input) async throws -> Operations.getShift.Output {
        try await api { req, actor in
            let detail = try await CompanionService(req, actor: actor).detail(
                try Self.uuid(input.path.shiftId, "shiftId"))
            return .ok(.init(body: .json(Self.shift(detail, withLog: true))))
        }
    }

    func logShift(_ input: Operations.logShift.Input) async throws -> Operations.logShift.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let record = try await CompanionService(req, actor: actor).log(
                try Self.uuid(input.path.shiftId, "shiftId"), category: body.category.rawValue,
                severity: body.severity?.rawValue ?? "", note: body.note, clientKey: body.clientKey)
            return .created(.init(body: .json(Self.shiftLogEntry(record))))
        }
    }

    func handOverShift(_ input: Operations.handOverShift.Input) async throws -> Operations.handOverShift.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = CompanionService(req, actor: actor)
            let shift = try await service.handOver(try Self.uuid(input.path.shiftId, "shiftId"), note: body.note)
            return .ok(.init(body: .json(Self.shift(try await service.detail(shift.id!), withLog: true))))
        }
    }

    static func coverage(_ id: UUID, _ req: Request, _ actor: Actor) async throws -> Schemas.Coverage {
        let service = CompanionService(req, actor: actor)
        let (_, participant) = try await service.engagement(id, .viewAppointments)
        let canPlan = ParticipantAccess.can(actor.role, .schedule, try await service.scope.relation(to: participant))
        let coverage = try await service.coverage(id)
        let names = try await CompanionWeeks.names(Set(coverage.shifts.map(\.companionID)), on: req.db)
        let record = try await service.plan(of: id)
        return .init(
            engagementId: id.uuidString,
            plan: record.flatMap { record in
                record.plan.map { plan in
                    .init(
                        pattern: .init(rawValue: record.pattern) ?? .custom, startTime: plan.start.description,
                        endTime: plan.end.description,
                        weekdays: Self.weekdayNames.filter {
                            Self.calendarWeekday($0).map(plan.weekdays.contains) ?? false
                        }.compactMap { .init(rawValue: $0) },
                        hourlyRateCents: canPlan ? record.hourlyRateCents : nil)
                }
            },
            shifts: coverage.shifts.map {
                Self.shift($0, participantName: participant.preferredName, companionName: names[$0.companionID] ?? "")
            }, gaps: coverage.gaps.map { .init(start: $0.start, end: $0.end) })
    }

    static func shift(_ detail: CompanionService.ShiftDetail, withLog: Bool) -> Schemas.Shift {
        var shift = Self.shift(
            detail.shift, participantName: detail.participant.preferredName, companionName: detail.companionName)
        if withLog {
            shift.log = detail.log.map(shiftLogEntry)
            shift.previousHandover = detail.previous?.handoverNote
        }
        return shift
    }

    static func shift(_ shift: CompanionShift, participantName: String, companionName: String) -> Schemas.Shift {
        .init(
            id: shift.id!.uuidString, engagementId: shift.engagementID.uuidString,
            participantId: shift.participantID.uuidString, participantName: participantName,
            companionId: shift.companionID.uuidString, companionName: companionName, startsAt: shift.startsAt,
            endsAt: shift.endsAt,
            hours: CompanionHours.text(
                quarterHours: CompanionHours.quarterHours(from: shift.startsAt, to: shift.endsAt)),
            handoverNote: shift.handoverNote, handedOverAt: shift.handedOverAt)
    }

    static func shiftLogEntry(_ record: ShiftLogRecord) -> Schemas.ShiftLogEntry {
        .init(
            id: record.id!.uuidString, category: .init(rawValue: record.category) ?? .activity, at: record.createdAt,
            severity: record.severity.isEmpty ? nil : .init(rawValue: record.severity), note: record.note,
            authorName: record.authorName)
    }
}
