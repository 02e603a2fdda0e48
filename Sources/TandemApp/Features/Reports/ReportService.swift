import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The organization's reports for a period (supervisors and admins): services delivered
/// (signed session notes dated in the period), retention of the engagements that started in
/// it, and recovery capital change for people whose latest BARC-10 falls in it. Figures
/// only: no one is named but the staff. Each reading is audited.
struct ReportService {
    let req: Request
    let actor: Actor

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.actor = actor
    }

    private func allowed(_ report: String) async throws -> any SQLDatabase {
        guard AccessPolicy.can(actor.role, .viewReports) else {
            try await req.audit(
                "access.denied", outcome: .denied, actor: actor.userID, organization: actor.organizationID)
            throw ServiceError.denied
        }
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        try await req.audit(
            "report." + report, actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
        return sql
    }

    /// Each person's part in each signed session of the period, with its engagement's service
    /// type (the one that day that the author coaches) and the author's name.
    func contacts(_ period: BillingPeriod) async throws -> [Reports.Contact] {
        let sql = try await allowed("services")
        let rows = try await sql.raw(
            """
            SELECT n.id AS note_id, n.local_date, n.minutes, n.mode, n.author_id, u.display_name, np.participant_id \
            FROM session_notes n JOIN session_note_participants np ON np.note_id = n.id \
            JOIN users u ON u.id = n.author_id \
            WHERE n.organization_id = \(bind: actor.organizationID) AND n.status = 'signed' \
            AND n.local_date >= \(bind: period.from.description) AND n.local_date <= \(bind: period.to.description)
            """
        ).all()
        var parsed:
            [(note: UUID, day: CalendarDate, minutes: Int, mode: String, author: UUID, name: String, person: UUID)] =
                []
        for row in rows {
            guard let day = CalendarDate(try row.decode(column: "local_date", as: String.self)) else { continue }
            parsed.append(
                (
                    try row.uuid("note_id"), day, try row.optional("minutes", as: Int.self) ?? 0,
                    try row.decode(column: "mode", as: String.self), try row.uuid("author_id"),
                    try row.decode(column: "display_name", as: String.self), try row.uuid("participant_id")
                ))
        }
        let candidates = try await TenantScope(actor: actor, db: req.db).engagementCandidates(
            of: Array(Set(parsed.map(\.person))))
        return parsed.map { item in
            let engagement = PayerChoice.engagement(
                candidates[item.person] ?? [], day: item.day, provider: item.author.uuidString)
            return Reports.Contact(
                sessionID: item.note.uuidString, participantID: item.person.uuidString, minutes: item.minutes,
                mode: item.mode, serviceType: engagement?.serviceType ?? "", coach: item.name)
        }
    }

    /// The engagements that started in the period, as they stand now.
    func engagements(_ period: BillingPeriod) async throws -> [Reports.Engagement] {
        let sql = try await allowed("retention")
        let rows = try await sql.raw(
            """
            SELECT start_date, end_date, status FROM engagements WHERE organization_id = \(bind: actor.organizationID) \
            AND start_date >= \(bind: period.from.description) AND start_date <= \(bind: period.to.description)
            """
        ).all()
        return try rows.compactMap { row in
            guard let start = CalendarDate(try row.decode(column: "start_date", as: String.self)),
                let status = EngagementStatus(rawValue: try row.decode(column: "status", as: String.self))
            else { return nil }
            return Reports.Engagement(
                start: start, end: CalendarDate(try row.decode(column: "end_date", as: String.self)), status: status)
        }
    }

    /// For each person whose latest scored BARC-10 up to the period's end falls in the
    /// period: their scored totals from the first one to that one, in date order.
    func capitalTotals(_ period: BillingPeriod) async throws -> [[Int]] {
        let sql = try await allowed("recovery_capital")
        let rows = try await sql.raw(
            """
            SELECT participant_id, completed_on, total FROM recovery_capital_assessments \
            WHERE organization_id = \(bind: actor.organizationID) AND status = 'completed' \
            AND completed_on <= \(bind: period.to.description) AND participant_id IN \
            (SELECT participant_id FROM recovery_capital_assessments WHERE organization_id = \(bind: actor.organizationID) \
            AND status = 'completed' AND completed_on >= \(bind: period.from.description) \
            AND completed_on <= \(bind: period.to.description)) \
            ORDER BY participant_id, completed_on, created_at
            """
        ).all()
        var totals: [UUID: [Int]] = [:]
        var order: [UUID] = []
        for row in rows {
            guard let total = try row.optional("total", as: Int.self) else { continue }
            let person = try row.uuid("participant_id")
            if totals[person] == nil { order.append(person) }
            totals[person, default: []].append(total)
        }
        return order.map { totals[$0] ?? [] }
    }
}
