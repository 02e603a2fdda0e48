import Fluent
import Foundation
import SQLKit
import TandemKit

extension TenantScope {
    /// One page of a caseload, ordered by the participant's name, in one query selecting
    /// only the columns shown. A coach's caseload starts from their own engagement list
    /// (small, indexed by coach); the whole organization's walks participants in name
    /// order, so a page costs a page, not the table. Coaches' names are a second query,
    /// made only when asked for (the organization-wide page shows the primary coach).
    func caseloadPage(
        coach: UUID?, statuses: [EngagementStatus]?, service: ServiceType?, offset: Int, limit: Int,
        withCoaches: Bool, now: Date, policy: OutreachPolicy = OutreachPolicy()
    ) async throws -> (rows: [EngagementService.CaseloadRow], hasMore: Bool) {
        guard let sql = db as? any SQLDatabase else { return ([], false) }
        // The last check-in and an open request to reach out are each one seek in an index
        // of the person's own check-ins (check_ins_participant_day, check_ins_reach_out); the
        // recovery capital trend reads their last two scored BARC-10s (recovery_capital_participant),
        // and the goals their plan's latest version (recovery_plan_versions_number).
        // The outreach rules read the latest missed appointment (appointments_missed), the
        // latest open request to reach out, and the latest outreach attempt
        // (outreach_attempts_participant) and the earliest hand-off contact still to make
        // (handoff_contacts_open): each a seek in the person's own rows.
        let columns = """
            SELECT e.id, e.participant_id, p.preferred_name, e.service_type, e.status, e.start_date, e.end_date, \
            e.last_contact_at, \
            (SELECT MAX(ci.local_date) FROM check_ins ci WHERE ci.participant_id = p.id) AS last_check_in, \
            (SELECT MAX(r.created_at) FROM check_ins r WHERE r.participant_id = p.id AND r.reach_out = 'open') \
            AS reach_out_since, \
            (SELECT MAX(m.ends_at) FROM appointments m WHERE m.participant_id = p.id AND m.status = 'missed') \
            AS last_missed, \
            (SELECT MAX(o.created_at) FROM outreach_attempts o WHERE o.participant_id = p.id) AS last_attempt, \
            (SELECT MIN(h.due_on) FROM handoff_contacts h WHERE h.participant_id = p.id AND h.completed_at IS NULL) \
            AS aftercare_due, \
            (SELECT a.total FROM recovery_capital_assessments a WHERE a.participant_id = p.id \
            AND a.status = 'completed' ORDER BY a.completed_on DESC, a.created_at DESC LIMIT 1) AS barc_latest, \
            (SELECT b.total FROM recovery_capital_assessments b WHERE b.participant_id = p.id \
            AND b.status = 'completed' ORDER BY b.completed_on DESC, b.created_at DESC LIMIT 1 OFFSET 1) AS barc_previous, \
            (SELECT v.goals_done FROM recovery_plan_versions v WHERE v.participant_id = p.id \
            ORDER BY v.number DESC LIMIT 1) AS goals_done, \
            (SELECT w.goals_total FROM recovery_plan_versions w WHERE w.participant_id = p.id \
            ORDER BY w.number DESC LIMIT 1) AS goals_total
            """
        // CROSS JOIN keeps SQLite's join order as written (PostgreSQL plans it alike): from
        // the coach's own list, or from people in name order (participants_org_sort), so a
        // page never starts from every engagement of the organization.
        var query: SQLQueryString
        if let coach {
            query = """
                \(unsafeRaw: columns) FROM engagement_coaches c CROSS JOIN engagements e CROSS JOIN participants p \
                WHERE c.coach_id = \(bind: coach) AND c.organization_id = \(bind: organizationID) \
                AND e.id = c.engagement_id AND e.organization_id = \(bind: organizationID) \
                AND p.id = e.participant_id
                """
        } else {
            query = """
                \(unsafeRaw: columns) FROM participants p CROSS JOIN engagements e \
                WHERE p.organization_id = \(bind: organizationID) AND e.participant_id = p.id \
                AND e.organization_id = \(bind: organizationID)
                """
        }
        if let statuses {
            query.appendInterpolation(unsafeRaw: " AND e.status IN (")
            query.appendInterpolation(binds: statuses.map(\.rawValue))
            query.appendInterpolation(unsafeRaw: ")")
        }
        if let service {
            query.appendInterpolation(unsafeRaw: " AND e.service_type = ")
            query.appendInterpolation(bind: service.rawValue)
        }
        query.appendInterpolation(
            unsafeRaw: " ORDER BY p.sort_name, p.id, e.created_at LIMIT \(limit + 1) OFFSET \(offset)")
        // One more than the page says whether another page follows.
        let found = try await sql.raw(query).all()
        var rows: [EngagementService.CaseloadRow] = []
        let zone = TimeZone(identifier: actor.organization.timeZone) ?? .gmt
        let today = CalendarDate(now, in: zone)
        for row in found.prefix(limit) {
            // Columns by name, not through Codable: a page decodes hundreds of values.
            guard let type = ServiceType(rawValue: try row.decode(column: "service_type", as: String.self)),
                let status = EngagementStatus(rawValue: try row.decode(column: "status", as: String.self))
            else { continue }
            let startDate = try row.decode(column: "start_date", as: String.self)
            let lastContact = try row.optional("last_contact_at", as: Date.self)
            let facts = OutreachFacts(
                status: status, startDate: CalendarDate(startDate),
                endDate: CalendarDate(try row.decode(column: "end_date", as: String.self)), lastContact: lastContact,
                lastMissedAppointment: try row.optional("last_missed", as: Date.self),
                reachOutSince: try row.optional("reach_out_since", as: Date.self),
                lastAttempt: try row.optional("last_attempt", as: Date.self),
                aftercareDueOn: try row.optional("aftercare_due", as: String.self).flatMap(CalendarDate.init))
            rows.append(
                EngagementService.CaseloadRow(
                    engagementID: try row.uuid("id"),
                    participantID: try row.uuid("participant_id"),
                    participantName: try row.decode(column: "preferred_name", as: String.self),
                    serviceType: type, status: status,
                    startDate: startDate,
                    lastCheckIn: try row.optional("last_check_in", as: String.self),
                    capitalTrend: Trend.of(
                        previous: try row.optional("barc_previous", as: Int.self),
                        latest: try row.optional("barc_latest", as: Int.self)),
                    goals: try Self.goals(
                        done: row.optional("goals_done", as: Int.self),
                        total: row.optional("goals_total", as: Int.self)), coaches: [],
                    attention: CaseloadUrgency.sorted(
                        OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone)
                            .map(AttentionSignal.init)), lastContact: lastContact))
        }
        guard withCoaches, !rows.isEmpty else { return (rows, found.count > limit) }
        let names = try await coachNames(of: rows.map(\.engagementID))
        return (rows.map { $0.with(coaches: names[$0.engagementID] ?? []) }, found.count > limit)
    }

    private static func goals(done: Int?, total: Int?) -> (done: Int, total: Int)? {
        guard let done, let total else { return nil }
        return (done, total)
    }

    /// The coaches of `ids`, primary first, then by name.
    func coachNames(of ids: [UUID]) async throws -> [UUID: [EngagementService.CoachName]] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        let query: SQLQueryString = """
            SELECT c.engagement_id, c.coach_id, c.is_primary, u.display_name FROM engagement_coaches c \
            JOIN users u ON u.id = c.coach_id \
            WHERE c.organization_id = \(bind: organizationID) AND c.engagement_id IN (\(binds: ids))
            """
        var names: [UUID: [EngagementService.CoachName]] = [:]
        for row in try await sql.raw(query).all() {
            names[try row.uuid("engagement_id"), default: []].append(
                EngagementService.CoachName(
                    id: try row.uuid("coach_id"),
                    name: try row.decode(column: "display_name", as: String.self),
                    isPrimary: try row.decode(column: "is_primary", as: Bool.self)))
        }
        return names.mapValues { list in
            list.sorted { ($0.isPrimary ? 0 : 1, $0.name) < ($1.isPrimary ? 0 : 1, $1.name) }
        }
    }
}

extension EngagementService.CaseloadRow {
    func with(coaches: [EngagementService.CoachName]) -> Self {
        var row = Self(
            engagementID: engagementID, participantID: participantID, participantName: participantName,
            serviceType: serviceType, status: status, startDate: startDate, lastCheckIn: lastCheckIn,
            capitalTrend: capitalTrend, goals: goals, coaches: coaches,
            attention: attention, lastContact: lastContact)
        row.openAlert = openAlert
        return row
    }

    func with(openAlert: Bool) -> Self {
        var row = self
        row.openAlert = openAlert
        return row
    }
}

extension TenantScope {
    /// The organization's staff (coaches, supervisors, admins) by name, for choosing a
    /// coach. Sorted by the folded name worked out once each: an organization may have
    /// thousands, and a locale-aware comparison per pair cost a tenth of a second.
    func staffNames() async throws -> [(id: UUID, name: String)] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let roles = [Role.coach, .supervisor, .admin].map(\.rawValue)
        let query: SQLQueryString = """
            SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
            WHERE m.organization_id = \(bind: organizationID) AND m.role IN (\(binds: roles))
            """
        var keyed: [(key: String, id: UUID, name: String)] = []
        for row in try await sql.raw(query).all() {
            let name = try row.decode(column: "display_name", as: String.self)
            keyed.append((NameSearch.sortKey(name), try row.uuid("id"), name))
        }
        keyed.sort { ($0.key, $0.name) < ($1.key, $1.name) }
        return keyed.map { ($0.id, $0.name) }
    }
}
