import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Outreach (recovery check-ups): the organization's rules (admins), a coach's outreach list
/// (the people of their engagements whom the rules flag; supervisors and admins may look at
/// any coach's), and recording an attempt in one step. An attempt that reaches the person
/// counts as contact and settles a request to reach out. Audited for the person.
struct OutreachService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    static func policy(of organizationID: UUID, on db: any Database) async throws -> OutreachPolicy {
        // Every caseload page reads it: plain SQL, not a model decoded by reflection.
        guard let sql = db as? any SQLDatabase else {
            return try await OutreachSettings.query(on: db).filter(\.$organizationID == organizationID).first()?
                .policy ?? OutreachPolicy()
        }
        guard
            let row = try await sql.raw(
                """
                SELECT no_contact_days, missed_appointments, reach_out_requests, check_up_days, aftercare_days \
                FROM outreach_settings WHERE organization_id = \(bind: organizationID) LIMIT 1
                """
            ).first()
        else { return OutreachPolicy() }
        return OutreachSettings.policy(
            noContactDays: try row.decode(column: "no_contact_days", as: Int.self),
            missedAppointments: try row.decode(column: "missed_appointments", as: Bool.self),
            reachOutRequests: try row.decode(column: "reach_out_requests", as: Bool.self),
            checkUpDays: try row.decode(column: "check_up_days", as: String.self),
            aftercareDays: try row.decode(column: "aftercare_days", as: String.self))
    }

    struct PolicyInput: Sendable {
        var noContactDays: String
        var missedAppointments: Bool
        var reachOutRequests: Bool
        var checkUpDays: String
        var aftercareDays: String = AftercarePlan.defaultDays.map(String.init).joined(separator: ", ")
    }

    func savePolicy(_ input: PolicyInput) async throws -> OutreachPolicy {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        var problems: [(field: String, key: String)] = []
        let days = Int(input.noContactDays.trimmingCharacters(in: .whitespaces))
        if days == nil || !OutreachPolicy.noContactRange.contains(days!) {
            problems.append(("no_contact_days", "error_outreach_days"))
        }
        let checkUps = OutreachPolicy.parseCheckUpDays(input.checkUpDays)
        if checkUps == nil { problems.append(("check_up_days", "error_outreach_check_ups")) }
        let aftercare = AftercarePlan.parseDays(input.aftercareDays)
        if aftercare == nil { problems.append(("aftercare_days", "error_outreach_aftercare_days")) }
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        let policy = OutreachPolicy(
            noContactDays: days!, missedAppointments: input.missedAppointments,
            reachOutRequests: input.reachOutRequests, checkUpDays: checkUps!, aftercareDays: aftercare!)
        try await retryingOnUniqueConflict {
            let settings =
                try await OutreachSettings.query(on: req.db).filter(\.$organizationID == actor.organizationID).first()
                ?? OutreachSettings(organizationID: actor.organizationID)
            settings.apply(policy)
            try await settings.save(on: req.db)
        }
        try await req.audit(
            "outreach.settings", actor: actor.userID, organization: actor.organizationID,
            subjectType: "organization", subject: actor.organizationID)
        return policy
    }

    /// The outreach list of `coach` (the actor when nil): each flagged engagement with why.
    func list(coach: UUID? = nil, now: Date = Date()) async throws -> [EngagementService.CaseloadRow] {
        let reach = ParticipantAccess.reach(of: actor.role)
        guard reach == .organization || reach == .ownEngagements else { throw ServiceError.denied }
        let whose = reach == .organization ? (coach ?? actor.userID) : actor.userID
        let policy = try await Self.policy(of: actor.organizationID, on: req.db)
        let (rows, _) = try await people.scope.caseloadPage(
            coach: whose, statuses: EngagementStatus.allCases.filter { $0.isOpen || $0 == .completed }, service: nil,
            offset: 0, limit: 2000, withCoaches: false, now: now, policy: policy)
        try await req.audit(
            "outreach.list", actor: actor.userID, organization: actor.organizationID, subjectType: "caseload",
            subject: whose)
        // One line per person: their flagged engagements' reasons together.
        var seen = Set<UUID>()
        return rows.filter { !$0.attention.isEmpty && seen.insert($0.participantID).inserted }
    }

    /// Records one attempt to reach a person.
    @discardableResult
    func record(
        _ participantID: UUID, method: String, outcome: String, reason: String, now: Date = Date()
    ) async throws -> OutreachAttempt {
        _ = try await people.authorized(participantID, .followUp)
        guard let method = OutreachMethod(rawValue: method) else {
            throw ServiceError.invalid([("method", "error_choose_one")])
        }
        guard let outcome = OutreachOutcome(rawValue: outcome) else {
            throw ServiceError.invalid([("outcome", "error_choose_one")])
        }
        let attempt = OutreachAttempt(
            organizationID: actor.organizationID, participantID: participantID, coachID: actor.userID,
            method: method, outcome: outcome, reason: OutreachReason(rawValue: reason)?.rawValue ?? "", at: now)
        let organizationID = actor.organizationID
        let userID = actor.userID
        try await req.db.transaction { db in
            try await attempt.create(on: db)
            guard outcome.isContact else { return }
            try await ContactLog.touch([participantID], organizationID: organizationID, at: now, on: db)
            // Reaching the person answers their request to be contacted.
            try await CheckIn.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participant.$id == participantID).filter(\.$reachOut == .open)
                .set(\.$reachOut, to: .followedUp).set(\.$followedUpAt, to: now).set(\.$followedUpBy, to: userID)
                .update()
        }
        try await people.audit(
            "outreach.attempt", participant: participantID, subjectType: "outreach_attempt", subject: attempt.id)
        return attempt
    }

    /// A person's attempts, newest first.
    func attempts(of participantID: UUID, limit: Int = 20) async throws -> [OutreachAttempt] {
        _ = try await people.authorized(participantID, .followUp)
        let attempts = try await OutreachAttempt.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$createdAt, .descending).limit(limit).all()
        try await people.audit("outreach.list", participant: participantID)
        return attempts
    }
}

/// The last contact with a person, kept on their engagements for the caseload and the
/// outreach rules: a signed session note, an attended appointment, an attempt that reached them.
enum ContactLog {
    static func touch(_ participantIDs: [UUID], organizationID: UUID, at: Date, on db: any Database) async throws {
        guard !participantIDs.isEmpty, let sql = db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            UPDATE engagements SET last_contact_at = \(bind: at) WHERE organization_id = \(bind: organizationID) \
            AND participant_id IN (\(binds: participantIDs)) \
            AND (last_contact_at IS NULL OR last_contact_at < \(bind: at))
            """
        ).run()
        try await HandoffContacts.complete(participantIDs, organizationID: organizationID, at: at, on: db)
    }
}
