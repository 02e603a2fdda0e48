import Fluent
import Foundation
import TandemKit
import Vapor

/// Recovery capital pages: the BARC-10 history with its chart, and the form the participant
/// fills in alone or with their coach. The service checks access and audits.
struct RecoveryCapitalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let capital = routes.grouped("participants", ":participantID", "recovery-capital")
        capital.get(use: history)
        capital.get("form", use: form)
        capital.post(use: save)
    }

    // MARK: History

    struct ScoreRow: Encodable, Sendable {
        let date: String
        let isoDate: String
        let total: Int
        let atOrAbove: Bool
        let withCoach: Bool
    }

    struct HistoryBody: Encodable, Sendable {
        let id: String
        let name: String
        let rows: [ScoreRow]
        let chart: String
        let latest: String?
        let trend: String?
        let due: String
        let isDue: Bool
        let canAssess: Bool
        let hasDraft: Bool
        let saved: Bool
        let completed: Bool
    }

    struct HistoryQuery: Content {
        var saved: String?
        var completed: String?
    }

    @Sendable func history(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let history = try await RecoveryCapitalService(req, actor: actor).history(id)
        let flags = (try? req.query.decode(HistoryQuery.self)) ?? HistoryQuery()
        let rows = history.scored.compactMap { assessment -> ScoreRow? in
            guard let total = assessment.total else { return nil }
            return ScoreRow(
                date: req.calendarDate(assessment.completedOn), isoDate: assessment.completedOn, total: total,
                atOrAbove: BARC10.isAtOrAboveReference(total), withCoach: assessment.withCoach)
        }
        let latest = rows.last.map {
            req.t(
                $0.atOrAbove ? "barc_latest_at_or_above" : "barc_latest_below",
                ["total": String($0.total), "reference": String(BARC10.referenceTotal)])
        }
        return try await req.page(
            "recovery-capital/history", titleKey: "barc_title",
            HistoryBody(
                id: id.uuidString, name: history.participant.preferredName, rows: rows.reversed(),
                chart: rows.isEmpty ? "" : Self.chart(rows, req: req), latest: latest,
                trend: history.trend.map { req.t("trend_" + $0.rawValue) },
                due: history.due.written(req.messages), isDue: history.isDue,
                canAssess: ParticipantAccess.can(actor.role, .assessRecoveryCapital, history.relation),
                hasDraft: history.draft != nil, saved: flags.saved != nil, completed: flags.completed != nil))
    }

    /// The totals over time with the reference line, described in words for screen readers.
    static func chart(_ rows: [ScoreRow], req: Request) -> String {
        let points = rows.compactMap { row in
            CalendarDate(row.isoDate).map { (x: Double($0.dayNumber), y: Double(row.total)) }
        }
        let first = points.first?.x ?? 0
        let last = max(points.last?.x ?? 0, first + 1)
        let totals = rows.map(\.total)
        var labels: [(x: Double, label: String)] = []
        if let earliest = rows.first { labels.append((first, earliest.date)) }
        if rows.count > 1, let latest = rows.last { labels.append((last, latest.date)) }
        return LineChart(
            id: "barc-chart", title: req.t("barc_chart_title"),
            summary: req.t(
                "barc_chart_summary",
                [
                    "count": String(rows.count), "first": rows.first?.date ?? "", "last": rows.last?.date ?? "",
                    "low": String(totals.min() ?? 0), "high": String(totals.max() ?? 0),
                ]),
            series: [.init(name: req.t("barc_total"), color: "#0f6e68", marker: .circle, points: points)],
            xRange: first...last, yRange: 10...60, yTicks: [10, 20, 30, 40, 50, 60],
            xLabels: labels,
            reference: (Double(BARC10.referenceTotal), req.t("barc_reference_line"))
        ).svg()
    }

    // MARK: The form

    /// The form as sent: `item_1` … `item_10`, and which button was pressed.
    struct AssessmentForm: Content {
        var item_1: String?
        var item_2: String?
        var item_3: String?
        var item_4: String?
        var item_5: String?
        var item_6: String?
        var item_7: String?
        var item_8: String?
        var item_9: String?
        var item_10: String?
        var action: String?
        /// The guided start of an online program to return to (`GuidedReturn`).
        var next: String?
        /// Written into each form shown, so the same form sent twice is kept once.
        var form_key: String?

        /// The form's key when it is one of ours (a UUID); anything else counts as none.
        var formKey: String? { form_key.flatMap(UUID.init(uuidString:))?.uuidString }

        /// Each answer, nil when not chosen; text that is no number becomes an answer out of range.
        var answers: [Int?] {
            [item_1, item_2, item_3, item_4, item_5, item_6, item_7, item_8, item_9, item_10].map(FormNumber.parse)
        }
    }

    struct Item: Encodable, Sendable {
        let number: Int
        let text: String
        let choices: [CheckOption]
        let error: String?
    }

    struct FormBody: Encodable, Sendable {
        let id: String
        let name: String
        let isSelf: Bool
        let items: [Item]
        let answered: Int
        var next = ""
        var formKey = UUID().uuidString
    }

    private func formBody(
        _ participant: Participant, answers: [Int?], actor: Actor, req: Request, errors: [FieldError] = []
    ) -> FormBody {
        let labels = BARC10.answerKeys.map { req.t($0) }
        let items = BARC10.itemKeys.enumerated().map { index, key in
            Item(
                number: index + 1, text: req.t(key),
                choices: BARC10.answerRange.map { value in
                    CheckOption(
                        value: String(value), label: labels[value - 1],
                        checked: index < answers.count && answers[index] == value)
                }, error: errors.first { $0.field == "item_\(index + 1)" }?.message)
        }
        return FormBody(
            id: participant.id!.uuidString, name: participant.preferredName,
            isSelf: participant.$user.id == actor.userID, items: items,
            answered: answers.compactMap { $0 }.filter(BARC10.answerRange.contains).count)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let (participant, draft) = try await RecoveryCapitalService(req, actor: actor).draft(id)
        let answers = draft?.answerList ?? Array(repeating: nil, count: BARC10.itemCount)
        var body = formBody(participant, answers: answers, actor: actor, req: req)
        body.next = GuidedReturn.checked(req.query[String.self, at: "next"]) ?? ""
        return try await req.page("recovery-capital/form", titleKey: "barc_form_title", body)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let input = (try? req.content.decode(AssessmentForm.self)) ?? AssessmentForm()
        let complete = input.action != "draft"
        let service = RecoveryCapitalService(req, actor: actor)
        do {
            let saved = try await service.save(
                id, answers: input.answers, complete: complete, formKey: input.formKey)
            let flag = saved.status == .completed ? "completed" : "saved"
            if saved.status == .completed, let next = GuidedReturn.checked(input.next) { return .redirect(next) }
            return .redirect("/participants/\(id.uuidString)/recovery-capital?\(flag)=1")
        } catch ServiceError.invalid(let problems) {
            let (participant, _) = try await service.draft(id)
            // Each message names its question, so the error summary reads as a list of questions.
            let errors = problems.map { field, key in
                FieldError(
                    field: field,
                    message: field.hasPrefix("item_")
                        ? req.t("barc_item_error", ["number": String(field.dropFirst(5)), "message": req.t(key)])
                        : req.t(key))
            }
            var body = formBody(participant, answers: input.answers, actor: actor, req: req, errors: errors)
            body.next = GuidedReturn.checked(input.next) ?? ""
            body.formKey = input.formKey ?? body.formKey
            return try await req.page(
                "recovery-capital/form", titleKey: "barc_form_title", body, errors: errors,
                status: .unprocessableEntity)
        }
    }
}
