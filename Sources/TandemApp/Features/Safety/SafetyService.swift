import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Crisis safety: a crisis phrase in a check-in or a message, or the "I need help now"
/// button, raises an alert for the person's coaches and the organization's supervisors
/// (an e-mail without the person's name points them to it), and the person sees a caring
/// crisis card at once. The alert stays until someone acknowledges it; nothing else is
/// decided automatically. Raising and acknowledging are audited.
struct SafetyService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    /// Raises an alert for `participant` once per `key`; the caller has checked that the
    /// actor may act for the person. Returns the alert (the one already raised for the key).
    @discardableResult
    func raise(_ participant: Participant, source: SafetyAlert.Source, key: String, now: Date = Date()) async throws
        -> SafetyAlert
    {
        if let existing = try await SafetyAlert.query(on: req.db)
            .filter(\.$organizationID == participant.$organization.id).filter(\.$sourceKey == key).first()
        {
            return existing
        }
        let alert = SafetyAlert()
        alert.organizationID = participant.$organization.id
        alert.participantID = participant.id!
        alert.source = source
        alert.sourceKey = key
        alert.createdAt = now
        alert.acknowledgedName = ""
        alert.note = ""
        do {
            try await alert.create(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same check-in sent twice at once: the first raised it.
            guard let existing = try await SafetyAlert.query(on: req.db).filter(\.$sourceKey == key).first() else {
                throw ServiceError.conflict("error_already_answered_elsewhere")
            }
            return existing
        }
        try await people.audit(
            "safety_alert.raise", participant: participant.id, subjectType: "safety_alert", subject: alert.id)
        // The alert stands on its own (the banner and /alerts show it); the e-mail is a nudge
        // that must not undo it.
        do {
            try await notify(alert)
        } catch {
            req.logger.warning("Queueing the alert e-mails failed: \(String(reflecting: type(of: error)))")
        }
        return alert
    }

    /// The person's own "I need help now": an alert, or the one still open from pressing it
    /// before (pressing again does not bury other people's alerts under copies).
    func helpNow(_ participantID: UUID) async throws -> SafetyAlert {
        let (participant, relation) = try await people.authorized(participantID, .view)
        guard relation.isSelf else { throw ServiceError.denied }
        if let open = try await SafetyAlert.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).filter(\.$source == .helpButton)
            .filter(\.$acknowledgedAt == nil).first()
        {
            return open
        }
        return try await raise(participant, source: .helpButton, key: "help_button:\(UUID().uuidString)")
    }

    /// E-mails each coach of the person's open engagements and each supervisor; the message
    /// names no one, so nothing personal leaves in an e-mail.
    private func notify(_ alert: SafetyAlert) async throws {
        let coaches = try await EngagementCoach.query(on: req.db).filter(\.$organizationID == alert.organizationID)
            .join(Engagement.self, on: \EngagementCoach.$engagement.$id == \Engagement.$id)
            .filter(Engagement.self, \.$participant.$id == alert.participantID)
            .filter(Engagement.self, \.$status !~ [.completed, .closed]).all(\.$coach.$id)
        let supervisors = try await Membership.query(on: req.db).filter(\.$organization.$id == alert.organizationID)
            .filter(\.$role == .supervisor).all(\.$user.$id)
        let recipients = Set(coaches + supervisors)
        guard !recipients.isEmpty else { return }
        let users = try await User.query(on: req.db).filter(\.$id ~~ Array(recipients)).all()
        let link = (req.tandem.settings.baseURL ?? "http://localhost:8080") + "/alerts"
        for user in users {
            let messages = req.tandem.messages[Language(rawValue: user.language) ?? .en] ?? req.messages
            try await Outbox.enqueue(
                on: req.db, organizationID: alert.organizationID, recipient: user.email,
                subject: messages.text("alert_email_subject"), body: messages.text("alert_email_body", ["link": link]),
                kind: "safety_alert", dedupeKey: "safety_alert:\(alert.id!):\(user.id!)")
        }
    }

    struct OpenAlert: Sendable {
        let alert: SafetyAlert
        let name: String
    }

    /// The people whose alerts the actor sees: for a coach, those of their engagements still
    /// running (a former coach is no longer told); supervisors and admins see everyone's.
    private func visibleParticipants() async throws -> Set<UUID>? {
        guard actor.role == .coach else { return nil }
        return try await scope.openlyCoachedParticipants(by: actor.userID)
    }

    private func alertsQuery(_ visible: Set<UUID>?) -> QueryBuilder<SafetyAlert> {
        var query = SafetyAlert.query(on: req.db).filter(\.$organizationID == actor.organizationID)
        if let visible { query = query.filter(\.$participantID ~~ Array(visible)) }
        return query
    }

    /// Alerts the actor should see: open ones, oldest first, then the last acknowledged.
    func alerts(acknowledgedLimit: Int = 20) async throws -> (open: [OpenAlert], acknowledged: [OpenAlert]) {
        guard actor.role.isStaff else { throw ServiceError.denied }
        let visible = try await visibleParticipants()
        if visible?.isEmpty == true { return ([], []) }
        let open = try await alertsQuery(visible).filter(\.$acknowledgedAt == nil).sort(\.$createdAt).limit(1000).all()
        let done = try await alertsQuery(visible).filter(\.$acknowledgedAt != nil)
            .sort(\.$acknowledgedAt, .descending).limit(acknowledgedLimit).all()
        let ids = Set((open + done).map(\.participantID))
        let names =
            ids.isEmpty
            ? [:]
            : Dictionary(
                try await scope.participants().filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.preferredName) },
                uniquingKeysWith: { first, _ in first })
        func named(_ alerts: [SafetyAlert]) -> [OpenAlert] {
            alerts.map { OpenAlert(alert: $0, name: names[$0.participantID] ?? "") }
        }
        return (named(open), named(done))
    }

    /// How many alerts wait to be acknowledged for each person in the organization, for the
    /// caseload: one pass over the open alerts' index, in plain SQL since every caseload page
    /// reads it. Counted by person, so the answer stays as small as the number of people
    /// waiting, however many alerts one of them raised; nothing is cut off, since a person left
    /// out would lose their mark on the caseload. The caseload decides which of its lines show
    /// one and how many its banner counts (`EngagementService.caseload`).
    func openAlertCounts() async throws -> [UUID: Int] {
        guard actor.role.isStaff else { return [:] }
        guard let sql = req.db as? any SQLDatabase else {
            let people = try await alertsQuery(nil).filter(\.$acknowledgedAt == nil).all(\.$participantID)
            return people.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
        var counts: [UUID: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT participant_id, COUNT(*) AS waiting FROM safety_alerts \
            WHERE organization_id = \(bind: actor.organizationID) AND acknowledged_at IS NULL GROUP BY participant_id
            """
        ).all() {
            counts[try row.uuid("participant_id")] = try row.decode(column: "waiting", as: Int.self)
        }
        return counts
    }

    /// How many of the `open` alerts (from `openAlertCounts`) the actor should see: a coach only
    /// those of the people in `coachedOpenly`, read here when the caller has not.
    func visibleCount(of open: [UUID: Int], coachedOpenly: Set<UUID>?) async throws -> Int {
        guard actor.role == .coach, !open.isEmpty else { return open.values.reduce(0, +) }
        let coached: Set<UUID>
        if let coachedOpenly {
            coached = coachedOpenly
        } else {
            coached = try await scope.openlyCoachedParticipants(by: actor.userID)
        }
        return open.reduce(0) { $0 + (coached.contains($1.key) ? $1.value : 0) }
    }

    /// Records who acknowledged an alert and when, with what they did; the first one counts.
    func acknowledge(_ id: UUID, note: String, now: Date = Date()) async throws -> SafetyAlert {
        guard
            let alert = try await SafetyAlert.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        _ = try await people.authorized(alert.participantID, .followUp)
        if let visible = try await visibleParticipants(), !visible.contains(alert.participantID) {
            throw ServiceError.denied
        }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if note.unicodeScalars.count > 1000 { throw ServiceError.invalid([("note", "error_text_too_long")]) }
        if note.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            throw ServiceError.invalid([("note", "error_text_invalid")])
        }
        guard alert.acknowledgedAt == nil,
            try await claimed(
                """
                UPDATE safety_alerts SET acknowledged_at = \(bind: now), acknowledged_by = \(bind: actor.userID), \
                acknowledged_name = \(bind: actor.user.displayName), note = \(bind: note) \
                WHERE id = \(bind: id) AND acknowledged_at IS NULL RETURNING id
                """, on: req.db)
        else { throw ServiceError.conflict("error_alert_acknowledged") }
        alert.acknowledgedAt = now
        alert.acknowledgedBy = actor.userID
        alert.acknowledgedName = actor.user.displayName
        alert.note = note
        try await people.audit(
            "safety_alert.acknowledge", participant: alert.participantID, subjectType: "safety_alert", subject: id)
        return alert
    }

    /// Whether anything the person sent under `keyPrefix` raised an alert (the check-in's
    /// thank-you page then shows the crisis card).
    func raised(keyPrefix: String) async throws -> Bool {
        try await SafetyAlert.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$sourceKey, .custom("LIKE"), keyPrefix + "%").first() != nil
    }

    struct CoachContact: Encodable, Sendable {
        let name: String
        let email: String
    }

    /// The coaches of the person's open engagements, to reach in the crisis card.
    func coachContacts(of participantID: UUID) async throws -> [CoachContact] {
        let coaches = try await EngagementCoach.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .join(Engagement.self, on: \EngagementCoach.$engagement.$id == \Engagement.$id)
            .filter(Engagement.self, \.$participant.$id == participantID)
            .filter(Engagement.self, \.$status !~ [.completed, .closed]).all(\.$coach.$id)
        guard !coaches.isEmpty else { return [] }
        return try await User.query(on: req.db).filter(\.$id ~~ Array(Set(coaches))).sort(\.$displayName).all().map {
            CoachContact(name: $0.displayName, email: $0.email)
        }
    }

    /// The key of a check-in's alert: a new phrase in the same day's check-in raises a new one.
    static func checkInKey(_ id: UUID, phrases: [String]) -> String {
        "check_in:\(id.uuidString):" + phrases.joined(separator: "|")
    }
}
