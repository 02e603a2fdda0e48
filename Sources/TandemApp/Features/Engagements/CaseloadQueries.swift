import Fluent
import Foundation
import SQLKit
import TandemKit

extension TenantScope {
    /// The ids of one page of a caseload, ordered by the participant's name. A coach's
    /// caseload starts from their own engagement list (small, indexed by coach); the whole
    /// organization's walks participants in name order, so a page costs a page, not the table.
    func caseloadEngagementIDs(
        coach: UUID?, statuses: [EngagementStatus]?, service: ServiceType?, offset: Int, limit: Int
    ) async throws -> [UUID] {
        guard let sql = db as? any SQLDatabase else { return [] }
        var query: SQLQueryString
        if let coach {
            query = """
                SELECT e.id AS id FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
                JOIN participants p ON p.id = e.participant_id \
                WHERE c.coach_id = \(bind: coach) AND c.organization_id = \(bind: organizationID)
                """
        } else {
            query = """
                SELECT e.id AS id FROM participants p JOIN engagements e ON e.participant_id = p.id \
                WHERE p.organization_id = \(bind: organizationID)
                """
        }
        if let statuses {
            query.appendInterpolation(unsafeRaw: " AND e.status IN (")
            for (index, status) in statuses.enumerated() {
                if index > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: status.rawValue)
            }
            query.appendInterpolation(unsafeRaw: ")")
        }
        if let service {
            query.appendInterpolation(unsafeRaw: " AND e.service_type = ")
            query.appendInterpolation(bind: service.rawValue)
        }
        query.appendInterpolation(
            unsafeRaw: " ORDER BY p.sort_name, p.id, e.created_at LIMIT \(limit) OFFSET \(offset)")
        struct Row: Decodable { let id: UUID }
        return try await sql.raw(query).all(decoding: Row.self).map(\.id)
    }
}

extension TenantScope {
    /// The caseload lines of `ids`, in that order, with their coaches' names: two queries
    /// selecting only the columns shown.
    func caseloadRows(_ ids: [UUID], now: Date) async throws -> [EngagementService.CaseloadRow] {
        guard !ids.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        struct Line: Decodable {
            let id: UUID
            let participant_id: UUID
            let preferred_name: String
            let service_type: String
            let status: String
            let start_date: String
            let last_contact_at: Date?
        }
        struct Coach: Decodable {
            let engagement_id: UUID
            let coach_id: UUID
            let is_primary: Bool
            let display_name: String
        }
        var lines: SQLQueryString = """
            SELECT e.id, e.participant_id, p.preferred_name, e.service_type, e.status, e.start_date, \
            e.last_contact_at FROM engagements e JOIN participants p ON p.id = e.participant_id \
            WHERE e.organization_id = \(bind: organizationID) AND e.id IN (
            """
        var coaches: SQLQueryString = """
            SELECT c.engagement_id, c.coach_id, c.is_primary, u.display_name FROM engagement_coaches c \
            JOIN users u ON u.id = c.coach_id WHERE c.organization_id = \(bind: organizationID) AND c.engagement_id IN (
            """
        for (index, id) in ids.enumerated() {
            let separator = index == 0 ? "" : ", "
            lines.appendInterpolation(unsafeRaw: separator)
            lines.appendInterpolation(bind: id)
            coaches.appendInterpolation(unsafeRaw: separator)
            coaches.appendInterpolation(bind: id)
        }
        lines.appendInterpolation(unsafeRaw: ")")
        coaches.appendInterpolation(unsafeRaw: ")")
        let found = try await sql.raw(lines).all(decoding: Line.self)
        let names = Dictionary(grouping: try await sql.raw(coaches).all(decoding: Coach.self), by: \.engagement_id)
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { id -> EngagementService.CaseloadRow? in
            guard let line = byID[id], let service = ServiceType(rawValue: line.service_type),
                let status = EngagementStatus(rawValue: line.status)
            else { return nil }
            let coaches = (names[id] ?? []).map {
                EngagementService.CoachName(id: $0.coach_id, name: $0.display_name, isPrimary: $0.is_primary)
            }.sorted { ($0.isPrimary ? 0 : 1, $0.name) < ($1.isPrimary ? 0 : 1, $1.name) }
            return EngagementService.CaseloadRow(
                engagementID: id, participantID: line.participant_id, participantName: line.preferred_name,
                serviceType: service, status: status, startDate: line.start_date, coaches: coaches,
                attention: AttentionSignal.signals(status: status, lastContact: line.last_contact_at, now: now))
        }
    }
}
