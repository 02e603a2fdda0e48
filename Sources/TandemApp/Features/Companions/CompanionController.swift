import Fluent
import Foundation
import TandemKit
import Vapor

/// Sober companion pages: an engagement's coverage (the plan, shifts ahead and the gaps
/// before they happen), its weekly summary, a companion's shifts with the timesheet, and one
/// shift with its log and hand-over.
struct CompanionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let engagement = routes.grouped("engagements", ":engagementID")
        engagement.get("coverage", use: coverage)
        engagement.post("coverage", use: savePlan)
        engagement.post("shifts", use: addShift)
        engagement.get("summary", use: summary)
        routes.get("shifts", use: upcoming)
        routes.get("shifts", "timesheet.csv", use: timesheet)
        routes.get("shifts", ":shiftID", use: show)
        routes.post("shifts", ":shiftID", "log", use: log)
        routes.post("shifts", ":shiftID", "handover", use: handOver)
    }

    // MARK: - Coverage

    struct PlanForm: Content {
        var pattern: String?
        var start_time: String?
        var end_time: String?
        var weekdays: [String]?
        var hourly_rate: String?
    }

    struct ShiftForm: Content {
        var companion: String?
        var start_date: String?
        var start_time: String?
        var end_date: String?
        var end_time: String?
    }

    struct CoverageBody: Encodable, Sendable {
        let engagementID: String
        let participantID: String
        let name: String
        let canManage: Bool
        let planText: String
        let rate: String
        let patterns: [SelectOption]
        let weekdays: [CheckOption]
        let plan: [String: String]
        let shift: [String: String]
        let staff: [SelectOption]
        let shifts: [CompanionWeeks.ShiftLine]
        let gaps: [String]
        let thisWeek: String
        let lastWeek: String
        let notice: String?
    }

    private func coveragePage(
        req: Request, plan form: PlanForm? = nil, shift shiftForm: ShiftForm = ShiftForm(), errors: [FieldError] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = CompanionService(req, actor: signedIn.actor)
        let id = try req.id("engagementID")
        let (_, participant) = try await service.engagement(id, .viewAppointments)
        let canManage = ParticipantAccess.can(
            signedIn.actor.role, .schedule, try await service.scope.relation(to: participant))
        let coverage = try await service.coverage(id)
        let record = try await service.plan(of: id)
        let zone = service.timeZone
        let names = try await CompanionWeeks.names(Set(coverage.shifts.map(\.companionID)), on: req.db)
        let pattern = form?.pattern ?? record?.pattern ?? ""
        let days = Set(
            form?.weekdays ?? record.map { $0.weekdays.split(separator: ",").map(String.init) } ?? [])
        let staff = canManage ? try await service.scope.staffNames() : []
        let today = CalendarDate(Date(), in: zone)
        let thisWeek = ShiftWeek(containing: today)
        return try await req.page(
            "companions/coverage", titleKey: "coverage_title",
            CoverageBody(
                engagementID: id.uuidString, participantID: participant.id!.uuidString,
                name: participant.preferredName, canManage: canManage, planText: Self.planText(record, req: req),
                rate: canManage && (record?.hourlyRateCents ?? 0) > 0
                    ? req.t("coverage_rate_text", ["rate": Money.text(record!.hourlyRateCents)]) : "",
                patterns: req.options(CoveragePattern.self, prefix: "coverage_", selected: pattern, blank: true),
                // Monday first, as people read a week; the values are Calendar's (1 = Sunday).
                weekdays: [2, 3, 4, 5, 6, 7, 1].map {
                    CheckOption(
                        value: String($0), label: req.t("weekday_\($0 == 1 ? 7 : $0 - 1)"),
                        checked: days.contains(String($0)))
                },
                plan: [
                    "start_time": form?.start_time ?? record?.startTime ?? "",
                    "end_time": form?.end_time ?? record?.endTime ?? "",
                    "hourly_rate": form?.hourly_rate ?? record.map { Money.text($0.hourlyRateCents) } ?? "",
                ],
                // A new shift starts from today, on the organization's calendar.
                shift: [
                    "start_date": shiftForm.start_date ?? today.description, "start_time": shiftForm.start_time ?? "",
                    "end_date": shiftForm.end_date ?? today.description, "end_time": shiftForm.end_time ?? "",
                ],
                staff: [SelectOption(value: "", label: req.t("choose_one"), selected: shiftForm.companion == nil)]
                    + staff.map {
                        SelectOption(
                            value: $0.id.uuidString, label: $0.name, selected: shiftForm.companion == $0.id.uuidString)
                    },
                shifts: coverage.shifts.map { CompanionWeeks.shiftLine($0, names: names, zone: zone, req: req) },
                gaps: coverage.gaps.map {
                    TripController.when($0.start, zone: zone, req: req) + " – "
                        + TripController.when($0.end, zone: zone, req: req)
                },
                thisWeek: thisWeek.monday.description, lastWeek: thisWeek.previous.monday.description,
                notice: ["saved", "added"].first { req.query[String.self, at: $0] != nil }
                    .map { req.t("coverage_notice_" + $0) }),
            errors: errors, status: status)
    }

    /// "Nights (20:00 to 08:00)", or what a custom plan covers on which days.
    static func planText(_ record: CoveragePlanRecord?, req: Request) -> String {
        guard let record, let pattern = CoveragePattern(rawValue: record.pattern), let plan = record.plan else {
            return ""
        }
        guard pattern == .custom else { return req.t("coverage_" + pattern.rawValue) }
        let days = [2, 3, 4, 5, 6, 7, 1].filter(plan.weekdays.contains).map {
            req.t("weekday_\($0 == 1 ? 7 : $0 - 1)")
        }
        return req.t(
            "coverage_plan_text",
            [
                "pattern": req.t("coverage_" + pattern.rawValue), "start": plan.start.description,
                "end": plan.end.description, "days": days.joined(separator: ", "),
            ])
    }

    @Sendable func coverage(req: Request) async throws -> Response {
        try await coveragePage(req: req)
    }

    @Sendable func savePlan(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(PlanForm.self)) ?? PlanForm()
        do {
            _ = try await CompanionService(req, actor: signedIn.actor).savePlan(
                id, pattern: form.pattern ?? "", start: form.start_time ?? "", end: form.end_time ?? "",
                weekdays: form.weekdays ?? [], rate: form.hourly_rate ?? "")
            return .redirect("/engagements/\(id.uuidString)/coverage?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await coveragePage(
                req: req, plan: form, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func addShift(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(ShiftForm.self)) ?? ShiftForm()
        do {
            _ = try await CompanionService(req, actor: signedIn.actor).addShift(
                id, companion: form.companion ?? "", startDate: form.start_date ?? "",
                startTime: form.start_time ?? "", endDate: form.end_date ?? "", endTime: form.end_time ?? "")
            return .redirect("/engagements/\(id.uuidString)/coverage?added=1")
        } catch ServiceError.invalid(let problems) {
            return try await coveragePage(
                req: req, shift: form, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    // MARK: - Weekly summary

    /// Shaped as a shared record is, so the page and a consented view render the same week.
    struct WeekHolder: Encodable, Sendable {
        let shiftWeeks: [CompanionWeeks.WeekRow]
    }

    struct SummaryBody: Encodable, Sendable {
        let engagementID: String
        let participantID: String
        let name: String
        let record: WeekHolder
        let previous: String
        let next: String
    }

    @Sendable func summary(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = CompanionService(req, actor: signedIn.actor)
        let asked = req.query[String.self, at: "week"].flatMap { CalendarDate($0) }
        let week = ShiftWeek(containing: asked ?? CalendarDate(Date(), in: service.timeZone))
        let (engagement, participant, found) = try await service.week(try req.id("engagementID"), week)
        return try await req.page(
            "companions/summary", titleKey: "companion_summary_title",
            SummaryBody(
                engagementID: engagement.id!.uuidString, participantID: participant.id!.uuidString,
                name: participant.preferredName,
                record: WeekHolder(shiftWeeks: [CompanionWeeks.row(found, zone: service.timeZone, req: req)]),
                previous: week.previous.monday.description, next: week.next.monday.description))
    }

    // MARK: - A companion's shifts

    struct UpcomingRow: Encodable, Sendable {
        let id: String
        let name: String
        let companion: String
        let from: String
        let to: String
    }

    struct UpcomingBody: Encodable, Sendable {
        let rows: [UpcomingRow]
        let from: String
        let to: String
        let everyone: Bool
    }

    @Sendable func upcoming(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = CompanionService(req, actor: signedIn.actor)
        let zone = service.timeZone
        let rows = try await service.upcoming().map {
            UpcomingRow(
                id: $0.shift.id!.uuidString, name: $0.participantName, companion: $0.companionName,
                from: TripController.when($0.shift.startsAt, zone: zone, req: req),
                to: TripController.when($0.shift.endsAt, zone: zone, req: req))
        }
        let period = BillingPeriod.lastMonth(before: CalendarDate(Date(), in: zone))
        return try await req.page(
            "companions/shifts", titleKey: "shifts_title",
            UpcomingBody(
                rows: rows, from: period.from.description, to: period.to.description,
                everyone: ParticipantAccess.reach(of: signedIn.actor.role) == .organization))
    }

    @Sendable func timesheet(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        guard
            case .success(let period) = BillingPeriod.parse(
                from: req.query[String.self, at: "from"] ?? "", to: req.query[String.self, at: "to"] ?? "")
        else { throw Abort(.badRequest, reason: "Give a period as from=YYYY-MM-DD&to=YYYY-MM-DD.") }
        let text = try await CompanionService(req, actor: signedIn.actor).timesheet(period)
        return .text(text, subType: "csv", filename: "timesheet-\(period.from)-\(period.to).csv")
    }

    // MARK: - One shift

    struct ShowBody: Encodable, Sendable {
        let id: String
        let engagementID: String
        let participantID: String
        let name: String
        let line: CompanionWeeks.ShiftLine
        let handedOver: Bool
        let canLog: Bool
        let previous: String
        let previousCompanion: String
        let categories: [SelectOption]
        let severities: [SelectOption]
        /// The entry being written: kept with its key when it comes back with an error, so
        /// sending it again still counts once.
        let clientKey: String
        let note: String
        let log: [CompanionWeeks.EntryRow]
        let handoverDraft: String
        let notice: String?
    }

    private func showPage(
        req: Request, handover: String = "", entry: LogForm = LogForm(), errors: [FieldError] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = CompanionService(req, actor: signedIn.actor)
        let detail = try await service.detail(try req.id("shiftID"))
        let zone = service.timeZone
        let shift = detail.shift
        return try await req.page(
            "companions/shift", titleKey: "shift_title",
            ShowBody(
                id: shift.id!.uuidString, engagementID: shift.engagementID.uuidString,
                participantID: shift.participantID.uuidString, name: detail.participant.preferredName,
                line: CompanionWeeks.shiftLine(
                    shift, names: [shift.companionID: detail.companionName], zone: zone, req: req),
                handedOver: shift.handedOverAt != nil, canLog: detail.isCompanion && shift.handedOverAt == nil,
                previous: detail.previous?.handoverNote ?? "", previousCompanion: detail.previousCompanion,
                categories: ShiftLogCategory.allCases.map {
                    SelectOption(
                        value: $0.rawValue, label: req.t("shift_log_" + $0.rawValue),
                        selected: entry.category == $0.rawValue)
                },
                severities: IncidentSeverity.allCases.map {
                    SelectOption(
                        value: $0.rawValue, label: req.t("trip_severity_" + $0.rawValue),
                        selected: entry.severity == $0.rawValue)
                }, clientKey: entry.client_key ?? UUID().uuidString, note: entry.note ?? "",
                log: detail.log.map { CompanionWeeks.entryRow($0, zone: zone, req: req) }, handoverDraft: handover,
                notice: ["logged", "handed"].first { req.query[String.self, at: $0] != nil }
                    .map { req.t("shift_notice_" + $0) }),
            errors: errors, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await showPage(req: req)
    }

    struct LogForm: Content {
        var category: String?
        var severity: String?
        var note: String?
        var client_key: String?
    }

    @Sendable func log(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("shiftID")
        let form = (try? req.content.decode(LogForm.self)) ?? LogForm()
        do {
            _ = try await CompanionService(req, actor: signedIn.actor).log(
                id, category: form.category ?? "", severity: form.severity ?? "", note: form.note ?? "",
                clientKey: form.client_key ?? "")
            return .redirect("/shifts/\(id.uuidString)?logged=1#shift-log")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                req: req, entry: form, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct HandOverForm: Content {
        var handover_note: String?
    }

    @Sendable func handOver(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("shiftID")
        let form = (try? req.content.decode(HandOverForm.self)) ?? HandOverForm()
        do {
            _ = try await CompanionService(req, actor: signedIn.actor).handOver(id, note: form.handover_note ?? "")
            return .redirect("/shifts/\(id.uuidString)?handed=1")
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                req: req, handover: form.handover_note ?? "", errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
    }
}
