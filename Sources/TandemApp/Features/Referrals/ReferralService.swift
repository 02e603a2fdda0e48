import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Referrals: a coach, or the person themself, refers the person to a resource of the
/// directory, and either moves it on step by step until it closes. The person's say comes
/// first (`ReferralRules`). Reading checks `viewReferrals`, changing checks `refer`; every
/// read and change is audited for the person. A move claims the referral at the status it
/// was read with, so two moves at once cannot both win.
struct ReferralService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    struct NewReferral: Sendable {
        var resourceID: UUID?
        var reason = ""
        var notes = ""
        var agreed = false
        var followUp = ""
    }

    var today: CalendarDate { ParticipantService.today(in: actor.organization) }

    func create(_ participantID: UUID, _ input: NewReferral, now: Date = Date()) async throws -> Referral {
        let (_, relation) = try await people.authorized(participantID, .refer)
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let notes = input.notes.trimmingCharacters(in: .whitespacesAndNewlines)
        let followUp = input.followUp.trimmingCharacters(in: .whitespaces)
        var problems = ReferralRules.problems(reason: reason, notes: notes, followUp: followUp, today: today)
        let resource =
            try await input.resourceID.asyncMap {
                try await Resource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                    .filter(\.$id == $0).first()
            } ?? nil
        if resource == nil { problems.insert(("resource", "error_referral_resource"), at: 0) }
        guard problems.isEmpty, let resource else { throw ServiceError.invalid(problems) }
        let referral = Referral(
            organizationID: actor.organizationID, participantID: participantID, resource: resource,
            createdBy: actor.userID)
        referral.byParticipant = relation.isSelf
        // Someone who refers themself has agreed to it.
        referral.agreed = relation.isSelf || input.agreed
        referral.reason = reason
        referral.notes = notes
        referral.followUpOn = followUp
        let userID = actor.userID
        try await req.db.transaction { db in
            try await referral.create(on: db)
            try await ReferralStep(referral, note: "", by: userID, at: now).create(on: db)
        }
        try await audit("referral.create", referral)
        return referral
    }

    struct Move: Sendable {
        /// Nil to keep the status (changing the follow-up date, noting agreement).
        var status: ReferralStatus?
        var outcome = ""
        var note = ""
        var agreed: Bool?
        var followUp: String?
    }

    /// Moves a referral on, or changes its follow-up date, with a note for its history.
    func move(_ id: UUID, _ move: Move, now: Date = Date()) async throws -> Referral {
        let current = try await find(id)
        _ = try await people.authorized(current.participantID, .refer)
        guard current.status.isOpen else { throw ServiceError.conflict("error_referral_closed") }
        let note = move.note.trimmingCharacters(in: .whitespacesAndNewlines)
        let agreed = move.agreed ?? current.agreed
        let followUp = (move.followUp ?? current.followUpOn).trimmingCharacters(in: .whitespaces)
        var problems: [(field: String, key: String)] = []
        if let status = move.status {
            problems += ReferralRules.moveProblems(
                from: current.status, to: status, agreed: agreed, outcome: move.outcome, note: note)
        } else if note.count > ReferralRules.noteLimit {
            problems.append(("note", "error_text_too_long"))
        }
        if followUp != current.followUpOn { problems += ReferralRules.followUpProblems(followUp, today: today) }
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        let organizationID = actor.organizationID
        let userID = actor.userID
        let from = current.status
        let referral = try await req.db.transaction { db -> Referral in
            guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
            let claimed = try await sql.raw(
                """
                UPDATE referrals SET updated_at = \(bind: now) WHERE id = \(bind: id) \
                AND organization_id = \(bind: organizationID) AND status = \(bind: from.rawValue) RETURNING id
                """
            ).all()
            guard !claimed.isEmpty, let referral = try await Referral.find(id, on: db) else {
                throw ServiceError.conflict("error_referral_changed")
            }
            if let status = move.status {
                referral.status = status
                referral.outcome = status == .closed ? move.outcome : ""
                if !status.isOpen {
                    referral.closedAt = now
                    referral.followUpOn = ""
                }
            }
            // Only what this move says changes; the rest stays as the row now holds it.
            if move.agreed == true { referral.agreed = true }
            if referral.status.isOpen, move.followUp != nil { referral.followUpOn = followUp }
            try await referral.save(on: db)
            try await ReferralStep(referral, note: note, by: userID, at: now).create(on: db)
            return referral
        }
        try await audit("referral.step", referral)
        return referral
    }

    /// A person's referrals, newest first.
    func list(of participantID: UUID) async throws -> (participant: Participant, canRefer: Bool, referrals: [Referral])
    {
        let (participant, relation) = try await people.authorized(participantID, .viewReferrals)
        let referrals = try await Referral.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$createdAt, .descending).limit(200).all()
        try await people.audit("referral.list", participant: participantID)
        return (participant, ParticipantAccess.can(actor.role, .refer, relation), referrals)
    }

    /// The person's latest referrals for their page, whose view is audited already; nil when
    /// the actor may not see referrals.
    func latest(of participantID: UUID, relation: ParticipantRelation, limit: Int = 5) async throws -> [Referral]? {
        guard ParticipantAccess.can(actor.role, .viewReferrals, relation) else { return nil }
        return try await Referral.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$createdAt, .descending).limit(limit).all()
    }

    struct Detail: Sendable {
        let referral: Referral
        let participant: Participant
        let canChange: Bool
        /// Each step, oldest first, with who took it.
        let steps: [(step: ReferralStep, by: String)]
    }

    func referral(_ id: UUID) async throws -> Detail {
        let referral = try await find(id)
        let (participant, relation) = try await people.authorized(referral.participantID, .viewReferrals)
        let steps = try await ReferralStep.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$referralID == id).sort(\.$createdAt).all()
        let users = try await User.query(on: req.db).filter(\.$id ~~ Set(steps.map(\.byUser))).all()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.displayName) })
        try await audit("referral.view", referral)
        return Detail(
            referral: referral, participant: participant,
            canChange: referral.status.isOpen && ParticipantAccess.can(actor.role, .refer, relation),
            steps: steps.map { ($0, names[$0.byUser] ?? "") })
    }

    /// Open referrals whose follow-up day has come, of the people `coach` coaches (the actor
    /// when nil; others' only for those who see the whole organization), soonest first.
    struct FollowUp: Sendable {
        let referralID: UUID
        let participantID: UUID
        let participantName: String
        let resourceName: String
        let status: ReferralStatus
        let followUpOn: String
    }

    func followUps(coach: UUID? = nil, now: Date = Date()) async throws -> [FollowUp] {
        let reach = ParticipantAccess.reach(of: actor.role)
        guard reach == .organization || reach == .ownEngagements else { throw ServiceError.denied }
        let whose = reach == .organization ? (coach ?? actor.userID) : actor.userID
        guard let sql = req.db as? any SQLDatabase else { return [] }
        let organizationID = actor.organizationID
        let open = ReferralStatus.allCases.filter(\.isOpen).map(\.rawValue)
        try await req.audit(
            "referral.follow_ups", actor: actor.userID, organization: organizationID, subjectType: "caseload",
            subject: whose)
        let rows = try await sql.raw(
            """
            SELECT r.id, r.participant_id, p.preferred_name, r.resource_name, r.status, r.follow_up_on \
            FROM referrals r JOIN participants p ON p.id = r.participant_id \
            WHERE r.organization_id = \(bind: organizationID) AND r.follow_up_on <> '' \
            AND r.follow_up_on <= \(bind: today.description) AND r.status IN (\(binds: open)) \
            AND r.participant_id IN (SELECT e.participant_id FROM engagement_coaches c \
            JOIN engagements e ON e.id = c.engagement_id \
            WHERE c.organization_id = \(bind: organizationID) AND c.coach_id = \(bind: whose)) \
            ORDER BY r.follow_up_on, p.sort_name LIMIT 500
            """
        ).all()
        return try rows.map { row in
            FollowUp(
                referralID: try row.uuid("id"), participantID: try row.uuid("participant_id"),
                participantName: try row.decode(column: "preferred_name", as: String.self),
                resourceName: try row.decode(column: "resource_name", as: String.self),
                status: ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .suggested,
                followUpOn: try row.decode(column: "follow_up_on", as: String.self))
        }
    }

    /// The place the person searches near, shown to change it: checked and audited.
    func placeToChange(of participantID: UUID) async throws -> (Participant, ParticipantPlace?) {
        let (participant, _) = try await people.authorized(participantID, .savePlace)
        let place = try await place(of: participantID)
        try await people.audit("place.view", participant: participantID)
        return (participant, place)
    }

    /// The place the person searches near, if they or a coach saved one (for a search the
    /// caller has already checked).
    func place(of participantID: UUID) async throws -> ParticipantPlace? {
        try await ParticipantPlace.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).first()
    }

    /// Keeps (or, with empty coordinates, forgets) the place the person searches near. Audited.
    func savePlace(_ participantID: UUID, label: String, coordinates: String) async throws {
        _ = try await people.authorized(participantID, .savePlace)
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = coordinates.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            try await place(of: participantID)?.delete(on: req.db)
        } else {
            guard let point = Coordinates.parse(text) else {
                throw ServiceError.invalid([("coordinates", "error_meeting_near")])
            }
            if label.count > 100 { throw ServiceError.invalid([("label", "error_text_too_long")]) }
            // Read inside the retry: a save that lost a race to a first save changes that one.
            let organizationID = actor.organizationID
            try await retryingOnUniqueConflict {
                let place =
                    try await place(of: participantID)
                    ?? ParticipantPlace(organizationID: organizationID, participantID: participantID)
                place.label = label
                place.latitude = point.latitude
                place.longitude = point.longitude
                try await place.save(on: req.db)
            }
        }
        try await people.audit("place.update", participant: participantID)
    }

    private func find(_ id: UUID) async throws -> Referral {
        guard
            let referral = try await Referral.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return referral
    }

    private func audit(_ action: String, _ referral: Referral) async throws {
        try await people.audit(
            action, participant: referral.participantID, subjectType: "referral", subject: referral.id)
    }
}

/// "latitude, longitude" as typed in a search or a saved place.
extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
