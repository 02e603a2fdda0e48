import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Outreach, the billing export and the reports in the API, over the same services as the pages.
extension APIHandler {
    func listOutreach(_ input: Operations.listOutreach.Input) async throws -> Operations.listOutreach.Output {
        try await api { req, actor in
            let coach = try input.query.coach.map { try Self.uuid($0, "coach") }
            let rows = try await OutreachService(req, actor: actor).list(coach: coach)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: rows.map { row in
                                .init(
                                    participantId: row.participantID.uuidString,
                                    engagementId: row.engagementID.uuidString, name: row.participantName,
                                    reasons: row.attention.compactMap { .init(rawValue: $0.reason.rawValue) },
                                    lastContact: row.lastContact)
                            }))))
        }
    }

    func listOutreachAttempts(_ input: Operations.listOutreachAttempts.Input) async throws
        -> Operations.listOutreachAttempts.Output
    {
        try await api { req, actor in
            let attempts = try await OutreachService(req, actor: actor).attempts(
                of: try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .json(.init(items: attempts.map(Self.attempt)))))
        }
    }

    func recordOutreachAttempt(_ input: Operations.recordOutreachAttempt.Input) async throws
        -> Operations.recordOutreachAttempt.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let attempt = try await OutreachService(req, actor: actor).record(
                try Self.uuid(input.path.participantId, "participantId"), method: body.method.rawValue,
                outcome: body.outcome.rawValue, reason: body.reason?.rawValue ?? "")
            return .created(.init(body: .json(Self.attempt(attempt))))
        }
    }

    static func attempt(_ attempt: OutreachAttempt) -> Schemas.OutreachAttempt {
        .init(
            id: attempt.id!.uuidString, participantId: attempt.participantID.uuidString,
            method: attempt.method.rawValue, outcome: attempt.outcome.rawValue, reason: attempt.reason,
            createdAt: attempt.createdAt)
    }

    /// A period from the query: 422 with the fields at fault (a well-formed date that is not
    /// a day, an end before the start, too long a period).
    static func period(from: String, to: String, req: Request) throws -> BillingPeriod {
        switch BillingPeriod.parse(from: from, to: to) {
        case .success(let period): return period
        case .failure(let problem):
            let english = req.tandem.messages[.en]?.messages ?? [:]
            throw APIProblem(
                status: .unprocessableEntity, reason: "The period is not valid.",
                fields: problem.fields.map { .init(field: $0.field, message: english[$0.key] ?? $0.key) })
        }
    }

    func exportBilling(_ input: Operations.exportBilling.Input) async throws -> Operations.exportBilling.Output {
        try await api { req, actor in
            let period = try Self.period(from: input.query.from, to: input.query.to, req: req)
            let text = try await BillingService(req, actor: actor).csv(period)
            return .ok(.init(body: .csv(HTTPBody(text))))
        }
    }

    static func tally(_ tally: Reports.Tally) -> Schemas.Tally {
        .init(
            key: tally.key, sessions: tally.sessions, contacts: tally.contacts, people: tally.people,
            minutes: tally.minutes)
    }

    func reportServices(_ input: Operations.reportServices.Input) async throws -> Operations.reportServices.Output {
        try await api { req, actor in
            let period = try Self.period(from: input.query.from, to: input.query.to, req: req)
            let contacts = try await ReportService(req, actor: actor).contacts(period)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            total: Self.tally(Reports.total(contacts)),
                            byMode: Reports.tally(contacts, by: \.mode).map(Self.tally),
                            byServiceType: Reports.tally(contacts, by: \.serviceType).map(Self.tally),
                            byCoach: Reports.tally(contacts, by: \.coach).map(Self.tally)))))
        }
    }

    func reportRetention(_ input: Operations.reportRetention.Input) async throws -> Operations.reportRetention.Output {
        try await api { req, actor in
            let period = try Self.period(from: input.query.from, to: input.query.to, req: req)
            let engagements = try await ReportService(req, actor: actor).engagements(period)
            let today = CalendarDate(Date(), in: TimeZone(identifier: actor.organization.timeZone) ?? .gmt)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            started: engagements.count,
                            rows: Reports.retention(engagements, today: today).map {
                                .init(days: $0.days, eligible: $0.eligible, retained: $0.retained, share: $0.share)
                            }))))
        }
    }

    func reportRecoveryCapital(_ input: Operations.reportRecoveryCapital.Input) async throws
        -> Operations.reportRecoveryCapital.Output
    {
        try await api { req, actor in
            let period = try Self.period(from: input.query.from, to: input.query.to, req: req)
            let change = Reports.capitalChange(try await ReportService(req, actor: actor).capitalTotals(period))
            return .ok(
                .init(
                    body: .json(
                        .init(
                            people: change.people, meanFirst: change.meanFirst, meanLatest: change.meanLatest,
                            meanChange: change.meanChange, shareAtOrAboveFirst: change.atOrAboveFirst,
                            shareAtOrAboveLatest: change.atOrAboveLatest))))
        }
    }
}
