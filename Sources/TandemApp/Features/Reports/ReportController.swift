import Foundation
import TandemKit
import Vapor

/// The reports page (each report as a chart and a table) and each report as CSV.
struct ReportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", use: page)
        routes.get("reports", "services.csv", use: servicesCSV)
        routes.get("reports", "retention.csv", use: retentionCSV)
        routes.get("reports", "recovery-capital.csv", use: capitalCSV)
    }

    struct TallyRow: Encodable, Sendable {
        let label: String
        let sessions: Int
        let contacts: Int
        let people: Int
        let hours: String
    }

    struct Services: Encodable, Sendable {
        let total: TallyRow
        let chart: String
        let byMode: [TallyRow]
        let byService: [TallyRow]
        let byCoach: [TallyRow]
        let csvHref: String
    }

    struct RetentionRow: Encodable, Sendable {
        let days: Int
        let eligible: Int
        let retained: Int
        let share: String
    }

    struct Retention: Encodable, Sendable {
        let started: Int
        let statuses: [String]
        let chart: String
        let rows: [RetentionRow]
        let csvHref: String
    }

    struct Capital: Encodable, Sendable {
        let people: Int
        let meanFirst: String
        let meanLatest: String
        let meanChange: String
        let aboveFirst: String
        let aboveLatest: String
        let chart: String
        let csvHref: String
    }

    struct Body: Encodable, Sendable {
        let from: String
        let to: String
        let period: String?
        let services: Services?
        let retention: Retention?
        let capital: Capital?
    }

    struct PeriodQuery: Content {
        var from: String?
        var to: String?
    }

    /// The period asked for, last month when none was; nil and the errors when it is wrong.
    static func period(_ req: Request, _ signedIn: SignedIn) -> (BillingPeriod?, [FieldError], String, String) {
        let query = (try? req.query.decode(PeriodQuery.self)) ?? PeriodQuery()
        guard let from = query.from, let to = query.to else {
            let today = CalendarDate(Date(), in: TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt)
            let last = BillingPeriod.lastMonth(before: today)
            return (last, [], last.from.description, last.to.description)
        }
        switch BillingPeriod.parse(from: from, to: to) {
        case .success(let period): return (period, [], from, to)
        case .failure(let problem): return (nil, req.fieldErrors(problem.fields), from, to)
        }
    }

    @Sendable func page(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.viewReports)
        let (period, errors, from, to) = Self.period(req, signedIn)
        guard let period else {
            return try await req.page(
                "reports/index", titleKey: "reports_title",
                Body(from: from, to: to, period: nil, services: nil, retention: nil, capital: nil), errors: errors,
                status: .unprocessableEntity)
        }
        let service = ReportService(req, actor: signedIn.actor)
        let query = "from=\(period.from)&to=\(period.to)"
        let today = CalendarDate(Date(), in: TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt)
        let contacts = try await service.contacts(period)
        let engagements = try await service.engagements(period)
        let change = Reports.capitalChange(try await service.capitalTotals(period))
        return try await req.page(
            "reports/index", titleKey: "reports_title",
            Body(
                from: period.from.description, to: period.to.description,
                period: req.t(
                    "billing_period_range",
                    ["from": req.calendarDate(period.from.description), "to": req.calendarDate(period.to.description)]),
                services: Self.services(contacts, req: req, csv: "/reports/services.csv?" + query),
                retention: Self.retention(engagements, today: today, req: req, csv: "/reports/retention.csv?" + query),
                capital: Self.capital(change, req: req, csv: "/reports/recovery-capital.csv?" + query)))
    }

    static func row(_ tally: Reports.Tally, label: String) -> TallyRow {
        TallyRow(
            label: label, sessions: tally.sessions, contacts: tally.contacts, people: tally.people,
            hours: BillingController.hours(tally.minutes))
    }

    static func services(_ contacts: [Reports.Contact], req: Request, csv: String) -> Services {
        let byMode = Reports.tally(contacts, by: \.mode)
        let modeName = { (mode: String) in mode.isEmpty ? "—" : req.t("contact_mode_" + mode) }
        let chart = BarChart(
            id: "services-chart", title: req.t("reports_services_chart"),
            summary: byMode.map { "\(modeName($0.key)): \(BillingController.hours($0.minutes))" }
                .joined(separator: "; "),
            bars: byMode.map {
                (
                    modeName($0.key), Double($0.minutes),
                    req.t("reports_hours_value", ["hours": BillingController.hours($0.minutes)])
                )
            })
        return Services(
            total: row(Reports.total(contacts), label: req.t("reports_total")), chart: chart.svg(),
            byMode: byMode.map { row($0, label: modeName($0.key)) },
            byService: Reports.tally(contacts, by: \.serviceType).map {
                row($0, label: $0.key.isEmpty ? "—" : req.t("service_" + $0.key))
            },
            byCoach: Reports.tally(contacts, by: \.coach).map { row($0, label: $0.key) }, csvHref: csv)
    }

    static func retention(_ engagements: [Reports.Engagement], today: CalendarDate, req: Request, csv: String)
        -> Retention
    {
        let rows = Reports.retention(engagements, today: today)
        let chart = BarChart(
            id: "retention-chart", title: req.t("reports_retention_chart"),
            summary: rows.map { "\($0.days): \(Reports.percent($0.share))" }.joined(separator: "; "),
            bars: rows.map {
                (
                    req.t("reports_days", ["days": String($0.days)]), ($0.share ?? 0) * 100,
                    "\(Reports.percent($0.share)) (\($0.retained)/\($0.eligible))"
                )
            })
        let statuses = EngagementStatus.allCases.compactMap { status -> String? in
            let count = engagements.filter { $0.status == status }.count
            return count == 0 ? nil : req.t("status_" + status.rawValue) + ": \(count)"
        }
        return Retention(
            started: engagements.count, statuses: statuses, chart: chart.svg(),
            rows: rows.map {
                RetentionRow(
                    days: $0.days, eligible: $0.eligible, retained: $0.retained, share: Reports.percent($0.share))
            }, csvHref: csv)
    }

    static func capital(_ change: Reports.CapitalChange, req: Request, csv: String) -> Capital {
        let chart = BarChart(
            id: "capital-chart", title: req.t("reports_capital_chart"),
            summary: req.t(
                "reports_capital_summary",
                [
                    "first": Reports.percent(change.atOrAboveFirst), "latest": Reports.percent(change.atOrAboveLatest),
                ]),
            bars: [
                (
                    req.t("reports_capital_first"), (change.atOrAboveFirst ?? 0) * 100,
                    Reports.percent(change.atOrAboveFirst)
                ),
                (
                    req.t("reports_capital_latest"), (change.atOrAboveLatest ?? 0) * 100,
                    Reports.percent(change.atOrAboveLatest)
                ),
            ])
        return Capital(
            people: change.people, meanFirst: Reports.oneDecimal(change.meanFirst),
            meanLatest: Reports.oneDecimal(change.meanLatest), meanChange: Reports.oneDecimal(change.meanChange),
            aboveFirst: Reports.percent(change.atOrAboveFirst), aboveLatest: Reports.percent(change.atOrAboveLatest),
            chart: chart.svg(), csvHref: csv)
    }

    // MARK: CSV

    func csvPeriod(_ req: Request) async throws -> (SignedIn, BillingPeriod) {
        let signedIn = try await req.authorize(.viewReports)
        let query = (try? req.query.decode(PeriodQuery.self)) ?? PeriodQuery()
        guard case .success(let period) = BillingPeriod.parse(from: query.from ?? "", to: query.to ?? "") else {
            throw Abort(.badRequest, reason: "Give a period as from=YYYY-MM-DD&to=YYYY-MM-DD.")
        }
        return (signedIn, period)
    }

    static func csvResponse(_ text: String, name: String, period: BillingPeriod) -> Response {
        .text(text, subType: "csv", filename: "\(name)-\(period.from)-\(period.to).csv")
    }

    @Sendable func servicesCSV(req: Request) async throws -> Response {
        let (signedIn, period) = try await csvPeriod(req)
        let contacts = try await ReportService(req, actor: signedIn.actor).contacts(period)
        var writer = CSVWriter()
        writer.row(["group", "key", "sessions", "contacts", "people", "minutes"])
        let groups: [(String, [Reports.Tally])] = [
            ("total", [Reports.total(contacts)]), ("mode", Reports.tally(contacts, by: \.mode)),
            ("service_type", Reports.tally(contacts, by: \.serviceType)),
            ("coach", Reports.tally(contacts, by: \.coach)),
        ]
        for (group, tallies) in groups {
            for tally in tallies {
                writer.row([
                    group, tally.key, String(tally.sessions), String(tally.contacts), String(tally.people),
                    String(tally.minutes),
                ])
            }
        }
        return Self.csvResponse(writer.text, name: "services", period: period)
    }

    @Sendable func retentionCSV(req: Request) async throws -> Response {
        let (signedIn, period) = try await csvPeriod(req)
        let engagements = try await ReportService(req, actor: signedIn.actor).engagements(period)
        let today = CalendarDate(Date(), in: TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt)
        var writer = CSVWriter()
        writer.row(["days", "eligible", "retained", "share"])
        for row in Reports.retention(engagements, today: today) {
            writer.row([
                String(row.days), String(row.eligible), String(row.retained),
                row.share.map { Reports.oneDecimal($0 * 100) } ?? "",
            ])
        }
        return Self.csvResponse(writer.text, name: "retention", period: period)
    }

    @Sendable func capitalCSV(req: Request) async throws -> Response {
        let (signedIn, period) = try await csvPeriod(req)
        let change = Reports.capitalChange(try await ReportService(req, actor: signedIn.actor).capitalTotals(period))
        var writer = CSVWriter()
        writer.row([
            "people", "mean_first", "mean_latest", "mean_change", "share_at_or_above_47_first",
            "share_at_or_above_47_latest",
        ])
        func value(_ number: Double?) -> String { number.map { Reports.oneDecimal($0) } ?? "" }
        writer.row([
            String(change.people), value(change.meanFirst), value(change.meanLatest), value(change.meanChange),
            value(change.atOrAboveFirst.map { $0 * 100 }), value(change.atOrAboveLatest.map { $0 * 100 }),
        ])
        return Self.csvResponse(writer.text, name: "recovery-capital", period: period)
    }
}
