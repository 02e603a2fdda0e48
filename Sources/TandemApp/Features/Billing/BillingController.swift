import Foundation
import TandemKit
import Vapor

/// Billing pages: a period's billable units with the CSV download (supervisors and admins),
/// and the billing settings with each provider's credential (admins). The service checks
/// access, applies the policy and audits.
struct BillingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("billing", use: overview)
        routes.get("billing", "export.csv", use: export)
        routes.get("admin", "billing", use: settingsForm)
        routes.post("admin", "billing", use: saveSettings)
    }

    // MARK: The period

    struct PayerRow: Encodable, Sendable {
        let payer: String
        let lines: Int
        let hours: String
        let units: Int
    }

    struct Result: Encodable, Sendable {
        let period: String
        let payers: [PayerRow]
        let totalText: String
        let cappedText: String?
        /// What the period does not bill, and why, one sentence each.
        let notBilled: [String]
        let rule: String
        let csvHref: String
    }

    struct OverviewBody: Encodable, Sendable {
        let from: String
        let to: String
        let result: Result?
        let canEditSettings: Bool
    }

    struct PeriodQuery: Content {
        var from: String?
        var to: String?
    }

    @Sendable func overview(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.exportBilling)
        let query = (try? req.query.decode(PeriodQuery.self)) ?? PeriodQuery()
        let canEdit = signedIn.can(.editSettings)
        // Opened without a period, the page shows last month, what a biller usually comes for.
        let today = CalendarDate(Date(), in: TimeZone(identifier: signedIn.organization.timeZone) ?? .gmt)
        let last = BillingPeriod.lastMonth(before: today)
        let from = query.from ?? last.from.description
        let to = query.to ?? last.to.description
        let period: BillingPeriod
        switch BillingPeriod.parse(from: from, to: to) {
        case .success(let parsed): period = parsed
        case .failure(let problem):
            return try await req.page(
                "billing/index", titleKey: "billing_title",
                OverviewBody(from: from, to: to, result: nil, canEditSettings: canEdit),
                errors: req.fieldErrors(problem.fields), status: .unprocessableEntity)
        }
        let service = BillingService(req, actor: signedIn.actor)
        let summary = try await req.tandem.heavyWork.run { try await service.summary(period) }
        return try await req.page(
            "billing/index", titleKey: "billing_title",
            OverviewBody(
                from: period.from.description, to: period.to.description, result: Self.result(summary, req: req),
                canEditSettings: canEdit))
    }

    static func result(_ summary: BillingService.Summary, req: Request) -> Result {
        let payers = BillingPolicy.billedFundings.compactMap { funding -> PayerRow? in
            let lines = summary.lines.filter { $0.payer == funding.rawValue }
            guard !lines.isEmpty else { return nil }
            return PayerRow(
                payer: req.t("funding_" + funding.rawValue), lines: lines.count,
                hours: hours(summary.minutesByPayer[funding.rawValue] ?? 0),
                units: lines.reduce(0) { $0 + $1.units })
        }
        let query = "from=\(summary.period.from)&to=\(summary.period.to)"
        let capped = summary.lines.filter(\.capped).count
        var notBilled = [
            req.t(
                "billing_volunteer",
                ["hours": hours(summary.volunteerMinutes), "sessions": String(summary.volunteerSessions)]),
            req.t("billing_awaiting_review", ["count": String(summary.awaitingReview)]),
            req.t("billing_drafts", ["count": String(summary.drafts)]),
        ]
        if summary.withoutEngagement > 0 {
            notBilled.append(req.t("billing_without_engagement", ["count": String(summary.withoutEngagement)]))
        }
        return Result(
            period: req.t(
                "billing_period_range",
                [
                    "from": req.calendarDate(summary.period.from.description),
                    "to": req.calendarDate(summary.period.to.description),
                ]), payers: payers,
            totalText: req.t(
                "billing_total",
                ["lines": String(summary.lines.count), "units": String(summary.lines.reduce(0) { $0 + $1.units })]),
            cappedText: capped > 0 ? req.t("billing_capped", ["count": String(capped)]) : nil, notBilled: notBilled,
            rule: req.t("billing_rule_" + summary.policy.rule.rawValue), csvHref: "/billing/export.csv?" + query)
    }

    /// Minutes as hours with one decimal ("1.5"), the way funders ask for service time.
    static func hours(_ minutes: Int) -> String {
        let tenths = (minutes * 10 + 30) / 60
        return "\(tenths / 10).\(tenths % 10)"
    }

    @Sendable func export(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.exportBilling)
        let query = (try? req.query.decode(PeriodQuery.self)) ?? PeriodQuery()
        guard case .success(let period) = BillingPeriod.parse(from: query.from ?? "", to: query.to ?? "") else {
            throw Abort(.badRequest, reason: "Give a period as from=YYYY-MM-DD&to=YYYY-MM-DD.")
        }
        let service = BillingService(req, actor: signedIn.actor)
        let text = try await req.tandem.heavyWork.run { try await service.csv(period) }
        return .text(text, subType: "csv", filename: "billing-\(period.from)-\(period.to).csv")
    }

    // MARK: Settings

    struct ProviderRow: Encodable, Sendable {
        let field: String
        let name: String
        let role: String
        let credential: String
        let error: String?
    }

    struct SettingsBody: Encodable, Sendable {
        let rules: [SelectOption]
        let dailyCap: String
        let groupModifier: String
        let medicaidModifiers: String
        let grantModifiers: String
        let privatePayModifiers: String
        let providers: [ProviderRow]
        let saved: Bool
    }

    @Sendable func settingsForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let (policy, providers) = try await BillingService(req, actor: signedIn.actor).settings()
        return try await settingsPage(
            req: req,
            input: BillingService.SettingsInput(
                rule: policy.rule.rawValue, dailyCap: policy.dailyCap.map(String.init) ?? "",
                groupModifier: policy.groupModifier,
                medicaidModifiers: (policy.payerModifiers[.medicaidInsurance] ?? []).joined(separator: " "),
                grantModifiers: (policy.payerModifiers[.grant] ?? []).joined(separator: " "),
                privatePayModifiers: (policy.payerModifiers[.privatePay] ?? []).joined(separator: " "),
                credentials: [:]),
            providers: providers, problems: [], saved: false)
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        var credentials: [UUID: String] = [:]
        for (name, value) in fields where name.hasPrefix("credential_") {
            if let id = UUID(uuidString: String(name.dropFirst("credential_".count))) { credentials[id] = value }
        }
        let input = BillingService.SettingsInput(
            rule: fields["unit_rule"] ?? "", dailyCap: fields["daily_cap"] ?? "",
            groupModifier: fields["group_modifier"] ?? "", medicaidModifiers: fields["medicaid_modifiers"] ?? "",
            grantModifiers: fields["grant_modifiers"] ?? "", privatePayModifiers: fields["private_pay_modifiers"] ?? "",
            credentials: credentials)
        let service = BillingService(req, actor: signedIn.actor)
        do {
            try await service.save(input)
        } catch ServiceError.invalid(let problems) {
            return try await settingsPage(
                req: req, input: input, providers: try await service.providers(), problems: problems, saved: false)
        }
        let providers = try await service.providers()
        return try await settingsPage(req: req, input: input, providers: providers, problems: [], saved: true)
    }

    private func settingsPage(
        req: Request, input: BillingService.SettingsInput, providers: [BillingService.Provider],
        problems: [(field: String, key: String)], saved: Bool
    ) async throws -> Response {
        let errors = req.fieldErrors(problems.map { ($0.field, Optional($0.key)) })
        let byField = Dictionary(errors.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        let body = SettingsBody(
            rules: UnitRule.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: req.t("billing_rule_" + $0.rawValue), selected: $0.rawValue == input.rule
                )
            }, dailyCap: input.dailyCap, groupModifier: input.groupModifier,
            medicaidModifiers: input.medicaidModifiers, grantModifiers: input.grantModifiers,
            privatePayModifiers: input.privatePayModifiers,
            providers: providers.map { provider in
                let field = "credential_" + provider.userID.uuidString
                return ProviderRow(
                    field: field, name: provider.name, role: req.t("role_" + provider.role.rawValue),
                    credential: input.credentials[provider.userID] ?? provider.credential, error: byField[field])
            }, saved: saved)
        return try await req.page(
            "admin/billing", titleKey: "billing_settings_title", body, errors: errors,
            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}
