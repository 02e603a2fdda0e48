import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Engagements: opening them, moving their status, choosing their coaches, and the
/// coach's caseload. Access checks, tenant scope and audit are done here.
struct EngagementService {
    let req: Request
    let scope: TenantScope

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.scope = TenantScope(actor: actor, db: req.db)
    }

    var actor: Actor { scope.actor }

    /// What is asked for when an engagement is opened; raw values, checked by `check`.
    struct Terms: Sendable {
        var serviceType: String = ""
        var referralSource: String = ""
        var funding: String = ""
        var startDate: String = ""
        var status: String = EngagementStatus.active.rawValue
        var primaryCoachID: String = ""
    }

    struct CheckedTerms: Sendable {
        let organizationID: UUID
        let serviceType: ServiceType
        let referralSource: ReferralSource
        let funding: Funding
        let startDate: CalendarDate
        let status: EngagementStatus
        let primaryCoachID: UUID
    }

    /// A coach of an engagement with their name.
    struct CoachName: Sendable {
        let id: UUID
        let name: String
        let isPrimary: Bool
    }

    struct Summary: Sendable {
        let engagement: Engagement
        let coaches: [CoachName]

        var primary: CoachName? { coaches.first(where: \.isPrimary) }
    }

    /// The staff who may coach: coaches, supervisors and admins of the organization, by name.
    func staff() async throws -> [(id: UUID, name: String)] {
        try await scope.staffNames()
    }

    /// Validates new-engagement terms, appending problems; a coach always becomes the primary coach.
    func check(_ terms: Terms, problems: inout [(field: String, key: String)]) async throws -> CheckedTerms? {
        let service = ServiceType(rawValue: terms.serviceType)
        if service == nil { problems.append(("service_type", "error_choose_one")) }
        let referral = ReferralSource(rawValue: terms.referralSource)
        if referral == nil { problems.append(("referral_source", "error_choose_one")) }
        let funding = Funding(rawValue: terms.funding)
        if funding == nil { problems.append(("funding", "error_choose_one")) }
        let status = EngagementStatus(rawValue: terms.status)
        if status != .referred && status != .active { problems.append(("status", "error_choose_one")) }
        let trimmedDate = terms.startDate.trimmingCharacters(in: .whitespaces)
        let start = trimmedDate.isEmpty ? ParticipantService.today(in: actor.organization) : CalendarDate(trimmedDate)
        if start == nil { problems.append(("start_date", "error_date_invalid")) }
        let today = ParticipantService.today(in: actor.organization)
        if let start, let earliest = today.adding(months: -120), let latest = today.adding(months: 12),
            start < earliest || start > latest
        {
            problems.append(("start_date", "error_engagement_start_range"))
        }
        var coach: UUID? = actor.role == .coach ? actor.userID : UUID(uuidString: terms.primaryCoachID)
        if let chosen = coach, !(try await staff().contains(where: { $0.id == chosen })) { coach = nil }
        if coach == nil { problems.append(("primary_coach", "error_choose_one")) }
        guard let service, let referral, let funding, let start, let coach, let status else { return nil }
        return CheckedTerms(
            organizationID: actor.organizationID, serviceType: service, referralSource: referral, funding: funding,
            startDate: start, status: status, primaryCoachID: coach)
    }

    static func insert(_ terms: CheckedTerms, for participant: Participant, on db: any Database) async throws
        -> Engagement
    {
        let engagement = Engagement()
        engagement.organizationID = terms.organizationID
        engagement.$participant.id = participant.id!
        engagement.serviceType = terms.serviceType
        engagement.status = terms.status
        engagement.closeReason = nil
        engagement.referralSource = terms.referralSource
        engagement.funding = terms.funding
        engagement.startDate = terms.startDate.description
        engagement.endDate = ""
        engagement.lastContactAt = nil
        try await engagement.create(on: db)
        try await EngagementCoach(
            organizationID: terms.organizationID, engagementID: engagement.id!, coachID: terms.primaryCoachID,
            isPrimary: true
        ).create(on: db)
        return engagement
    }

    /// Opens another engagement for a participant. Audited.
    func open(for participantID: UUID, _ terms: Terms) async throws -> Engagement {
        let people = ParticipantService(req, actor: actor)
        let (participant, _) = try await people.authorized(participantID, .manageEngagements)
        var problems: [(field: String, key: String)] = []
        let checked = try await check(terms, problems: &problems)
        guard problems.isEmpty, let checked else { throw ServiceError.invalid(problems) }
        let engagement = try await req.db.transaction { db in
            try await Self.insert(checked, for: participant, on: db)
        }
        try await people.audit(
            "engagement.create", participant: participantID, subjectType: "engagement", subject: engagement.id)
        return engagement
    }

    /// Engagements of a participant with their coaches, oldest first. Not audited on its
    /// own: callers audit the view they are part of.
    func summaries(of participant: Participant) async throws -> [Summary] {
        return try await summaries(try await scope.engagements(of: participant.id!))
    }

    func summaries(_ engagements: [Engagement]) async throws -> [Summary] {
        let ids = engagements.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let names = try await scope.coachNames(of: ids)
        return engagements.map { Summary(engagement: $0, coaches: names[$0.id!] ?? []) }
    }

    /// An engagement with its participant, checked against `action`; denials are audited.
    func authorized(_ id: UUID, _ action: ParticipantAction) async throws -> (
        Engagement, Participant, ParticipantRelation
    ) {
        guard let engagement = try await scope.engagement(id),
            let participant = try await scope.participant(engagement.$participant.id)
        else { throw ServiceError.notFound }
        let relation: ParticipantRelation
        if action == .view {
            // Seeing one engagement follows seeing the person: a coach of any of their engagements may.
            relation = try await scope.relation(to: participant)
        } else {
            relation = try await scope.relation(to: engagement, of: participant)
        }
        guard ParticipantAccess.can(actor.role, action, relation) else {
            try await ParticipantService(req, actor: actor).audit(
                "engagement.\(action.rawValue)", outcome: .denied, participant: participant.id,
                subjectType: "engagement", subject: id)
            throw ServiceError.denied
        }
        return (engagement, participant, relation)
    }

    struct Detail: Sendable {
        let summary: Summary
        let participant: Participant
        let relation: ParticipantRelation
        let agreement: AgreementService.State
    }

    /// One engagement with its coaches and agreement. Audited as a view.
    func detail(_ id: UUID) async throws -> Detail {
        let (engagement, participant, _) = try await authorized(id, .view)
        let relation = try await scope.relation(to: engagement, of: participant)
        let summary = try await summaries([engagement])[0]
        let agreement = try await AgreementService(req, actor: actor).state(of: engagement)
        try await ParticipantService(req, actor: actor).audit(
            "engagement.view", participant: participant.id, subjectType: "engagement", subject: id)
        return Detail(summary: summary, participant: participant, relation: relation, agreement: agreement)
    }

    /// Moves the engagement's status along the allowed paths; ending it sets the end date. Audited.
    func changeStatus(_ id: UUID, to raw: String, reason rawReason: String) async throws -> Engagement {
        let (engagement, participant, _) = try await authorized(id, .manageEngagements)
        guard let status = EngagementStatus(rawValue: raw) else {
            throw ServiceError.invalid([("status", "error_choose_one")])
        }
        let reason = CloseReason(rawValue: rawReason)
        if status == .closed, reason == nil, !rawReason.isEmpty {
            throw ServiceError.invalid([("close_reason", "error_choose_one")])
        }
        if let key = StatusChange.problem(from: engagement.status, to: status, reason: reason) {
            if key == "error_close_reason_missing" { throw ServiceError.invalid([("close_reason", key)]) }
            throw ServiceError.conflict(key)
        }
        // Only one of two concurrent changes from the same status wins.
        let previous = engagement.status
        try await scope.engagements().filter(\.$id == id).filter(\.$status == previous)
            .set(\.$status, to: status).set(\.$closeReason, to: status == .closed ? reason : nil)
            .set(\.$endDate, to: status.isOpen ? "" : ParticipantService.today(in: actor.organization).description)
            .set(\.$updatedAt, to: Date()).update()
        guard let fresh = try await scope.engagement(id), fresh.status == status else {
            throw ServiceError.conflict("error_status_move")
        }
        try await ParticipantService(req, actor: actor).audit(
            "engagement.status", participant: participant.id, subjectType: "engagement", subject: id)
        return fresh
    }

    /// Sets who coaches the engagement: one primary, any others (staff of the organization).
    /// Supervisors and admins only. Audited.
    func reassign(_ id: UUID, primary rawPrimary: String, others rawOthers: [String]) async throws -> Summary {
        let (engagement, participant, _) = try await authorized(id, .reassign)
        let staff = Set(try await staff().map(\.id))
        guard let primary = UUID(uuidString: rawPrimary), staff.contains(primary) else {
            throw ServiceError.invalid([("primary_coach", "error_choose_one")])
        }
        let others = rawOthers.compactMap(UUID.init(uuidString:))
        guard rawOthers.count <= 20, others.count == rawOthers.count, others.allSatisfy(staff.contains) else {
            throw ServiceError.invalid([("other_coaches", "error_choose_one")])
        }
        let organizationID = actor.organizationID
        try await req.db.transaction { db in
            try await EngagementCoach.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$engagement.$id == id).delete()
            try await EngagementCoach(
                organizationID: organizationID, engagementID: id, coachID: primary, isPrimary: true
            ).create(on: db)
            for other in Set(others) where other != primary {
                try await EngagementCoach(
                    organizationID: organizationID, engagementID: id, coachID: other, isPrimary: false
                ).create(on: db)
            }
        }
        try await ParticipantService(req, actor: actor).audit(
            "engagement.reassign", participant: participant.id, subjectType: "engagement", subject: id)
        return try await summaries([engagement])[0]
    }

    /// The most engagements one coach's caseload is read at once for ordering by urgency.
    static let largestCaseload = 2000

    /// Which engagements a caseload shows.
    struct CaseloadFilter: Sendable {
        /// "open" (referred, active, paused), "all", or one status.
        var status: String = "open"
        var serviceType: ServiceType?
        /// For supervisors and admins: one coach's caseload; nil for everyone's.
        var coachID: UUID?
        var page: Int = 1
        var pageSize: Int = 100
        /// Read every line's coaches too (the organization-wide page names the primary coach).
        var withCoaches = false
        /// One coach's caseload most urgent first, then by name (the caseload page); otherwise,
        /// and always for the whole organization's list, by name.
        var byUrgency = false
        /// Count the crisis alerts waiting for the reader (the page's banner; the API has none).
        var countsOpenAlerts = false
    }

    /// One line of a caseload: read straight from the tables, without loading whole models,
    /// because a page holds up to a hundred of them.
    struct CaseloadRow: Sendable {
        let engagementID: UUID
        let participantID: UUID
        let participantName: String
        let serviceType: ServiceType
        let status: EngagementStatus
        let startDate: String
        /// The participant's last check-in day, `YYYY-MM-DD`.
        let lastCheckIn: String?
        /// Which way the last two BARC-10 totals moved; nil before there are two.
        let capitalTrend: Trend?
        /// Goals done and all goals of the plan's latest version; nil before a plan.
        let goals: (done: Int, total: Int)?
        let coaches: [CoachName]
        let attention: [AttentionSignal]
        /// The last contact with the person on this engagement.
        var lastContact: Date? = nil
        /// A crisis alert about the person waits for someone to acknowledge it.
        var openAlert = false

        var primary: CoachName? { coaches.first(where: \.isPrimary) }
    }

    /// A page of a caseload, and how many crisis alerts wait for the reader (the page's
    /// banner; 0 unless the filter asks).
    struct Caseload: Sendable {
        var rows: [CaseloadRow]
        var hasMore: Bool
        var openAlerts: Int
    }

    /// A caseload: a coach's own engagements, or for supervisors and admins every coach's
    /// (or one coach's), ordered by the participant's name. Audited as one view.
    func caseload(_ filter: CaseloadFilter) async throws -> Caseload {
        let reach = ParticipantAccess.reach(of: actor.role)
        guard reach == .organization || reach == .ownEngagements else {
            try await req.audit(
                "caseload.view", outcome: .denied, actor: actor.userID, organization: actor.organizationID)
            throw ServiceError.denied
        }
        let coach = reach == .ownEngagements ? actor.userID : filter.coachID
        var statuses: [EngagementStatus]?
        switch filter.status {
        case "all": statuses = nil
        case "open": statuses = EngagementStatus.allCases.filter(\.isOpen)
        default:
            statuses =
                EngagementStatus(rawValue: filter.status).map { [$0] } ?? EngagementStatus.allCases.filter(\.isOpen)
        }
        let policy = try await OutreachService.policy(of: actor.organizationID, on: req.db)
        let offset = (filter.page - 1) * filter.pageSize
        var (rows, hasMore): ([CaseloadRow], Bool) = ([], false)
        var whole: [CaseloadRow]?
        if filter.byUrgency, coach != nil {
            // One caseload is small (sixty people or so): all of it is read, put in order of
            // urgency, and the page cut from that. One past the largest is paged by name.
            let (all, more) = try await scope.caseloadPage(
                coach: coach, statuses: statuses, service: filter.serviceType, offset: 0, limit: Self.largestCaseload,
                withCoaches: filter.withCoaches, now: Date(), policy: policy)
            if !more { whole = all }
        }
        let safety = SafetyService(req, actor: actor)
        let openAlerts = try await safety.openAlertCounts()
        // As on the alerts page, a coach is shown an alert only on coaching still going on.
        let coachOnly = actor.role == .coach
        func marked(_ row: CaseloadRow) -> CaseloadRow {
            row.with(openAlert: openAlerts[row.participantID] != nil && (!coachOnly || row.status.isOpen))
        }
        if let all = whole {
            let ordered = CaseloadUrgency.ordered(all.map(marked)) {
                CaseloadUrgency.rank(openAlert: $0.openAlert, signals: $0.attention)
            }
            rows = Array(ordered.dropFirst(offset).prefix(filter.pageSize))
            hasMore = ordered.count > offset + filter.pageSize
        } else {
            (rows, hasMore) = try await scope.caseloadPage(
                coach: coach, statuses: statuses, service: filter.serviceType, offset: offset, limit: filter.pageSize,
                withCoaches: filter.withCoaches, now: Date(), policy: policy)
            rows = rows.map(marked)
        }
        // A coach's whole caseload of open engagements, just read, is the people whose alerts
        // they see; any other filter leaves the count to read them.
        let coachedOpenly: Set<UUID>? =
            coachOnly && filter.status == "open" && filter.serviceType == nil
            ? whole.map { Set($0.filter(\.status.isOpen).map(\.participantID)) } : nil
        var count = 0
        if filter.countsOpenAlerts {
            count = try await safety.visibleCount(of: openAlerts, coachedOpenly: coachedOpenly)
        }
        try await req.audit(
            "caseload.view", actor: actor.userID, organization: actor.organizationID, subjectType: "caseload",
            subject: coach)
        return Caseload(rows: rows, hasMore: hasMore, openAlerts: count)
    }

    /// The engagements of the signed-in participant's own record, with coaches and agreements.
    func own() async throws -> (Participant, [Summary])? {
        guard let participant = try await scope.participants().filter(\.$user.$id == actor.userID).first() else {
            return nil
        }
        guard ParticipantAccess.can(actor.role, .view, .own) else { return nil }
        let summaries = try await summaries(of: participant)
        try await ParticipantService(req, actor: actor).audit("participant.view", participant: participant.id)
        return (participant, summaries)
    }
}
