import Fluent
import Foundation
import TandemKit
import Vapor

/// The gate every disclosure passes: a family member's or partner's view of a loved one's
/// record, and an export to an outside party. Each one reads the person's consents at that
/// moment (nothing is cached, so a revocation stops the very next request), shows only the
/// categories a consent in force allows, and is recorded as a disclosure: who, to whom,
/// when, what and for what purpose.
struct DisclosureService {
    let req: Request
    let actor: Actor

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.actor = actor
    }

    var today: CalendarDate { ParticipantService.today(in: actor.organization) }

    struct Sharer: Sendable {
        let participant: Participant
        let categories: [ConsentCategory]
    }

    /// The people whose consents in force name the actor's account.
    func sharedWithMe(now: Date = Date()) async throws -> [Sharer] {
        let consents = try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$recipientUserID == actor.userID).filter(\.$revokedAt == nil).all()
        var found: [Sharer] = []
        for participantID in Set(consents.map(\.participantID)) {
            guard let participant = try await participant(participantID) else { continue }
            let allowed = try await allowed(for: participant, now: now).map(\.0)
            if !allowed.isEmpty { found.append(Sharer(participant: participant, categories: allowed)) }
        }
        return found.sorted { $0.participant.sortName < $1.participant.sortName }
    }

    struct View: Sendable {
        let participant: Participant
        let record: SharedRecord
    }

    /// What the actor may see of the person's record now. Refused (and audited) when no
    /// consent in force names them; otherwise recorded as one disclosure per consent used.
    func view(_ participantID: UUID, now: Date = Date()) async throws -> View {
        guard let participant = try await participant(participantID) else { throw ServiceError.notFound }
        let allowed = try await allowed(for: participant, now: now)
        guard !allowed.isEmpty else {
            try await audit("disclosure.view", outcome: .denied, participant: participantID)
            throw ServiceError.denied
        }
        let record = try await SharedRecord.read(
            allowed.map(\.0), of: participant, organizationZone: actor.organization.timeZone, req: req)
        try await recordDisclosures(allowed, kind: .view, by: nil, now: now)
        try await audit("disclosure.view", participant: participantID)
        return View(participant: participant, record: record)
    }

    /// Whether a consent in force opens `category` of the person's record to the actor now.
    /// When it does, the look is recorded as a disclosure of that category alone.
    func disclose(_ category: ConsentCategory, of participantID: UUID, now: Date = Date()) async throws -> Bool {
        try await disclose(category, of: [participantID], now: now).contains(participantID)
    }

    /// `disclose` for several people at once (a liaison's list of referrals): the same
    /// decision for each, read in three statements whatever their number, the disclosures
    /// written in one transaction and the looks audited together. The people it opens.
    func disclose(_ category: ConsentCategory, of participantIDs: Set<UUID>, now: Date = Date()) async throws
        -> Set<UUID>
    {
        guard !participantIDs.isEmpty else { return [] }
        let present = try await Participant.query(on: req.db).filter(\.$organization.$id == actor.organizationID)
            .filter(\.$id ~~ participantIDs).all(\.$id)
        guard !present.isEmpty else { return [] }
        let consents = try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID ~~ present).filter(\.$recipientUserID == actor.userID).all()
        guard !consents.isEmpty else { return [] }
        let ended = try await endedEngagements(of: Set(consents.map(\.participantID)))
        var opened: [(ConsentCategory, ConsentRecord)] = []
        var people: Set<UUID> = []
        for (participantID, theirs) in Dictionary(grouping: consents, by: \.participantID) {
            let allowed = decide(theirs, endedEngagements: ended, now: now).filter { $0.0 == category }
            guard !allowed.isEmpty else { continue }
            opened += allowed
            people.insert(participantID)
        }
        guard !opened.isEmpty else { return [] }
        try await recordDisclosures(opened, kind: .view, by: nil, now: now)
        try await req.audit(
            "disclosure.view", participants: people.sorted { $0.uuidString < $1.uuidString }, actor: actor.userID,
            organization: actor.organizationID)
        return people
    }

    /// Prepares a document for the outside party a consent names, with the categories that
    /// consent allows for its purpose right now; checked against `export` for the actor.
    func export(_ consentID: UUID, now: Date = Date()) async throws -> (ConsentRecord, View) {
        guard
            let consent = try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == consentID).first()
        else { throw ServiceError.notFound }
        let people = ParticipantService(req, actor: actor)
        let (participant, _) = try await people.authorized(consent.participantID, .export)
        // Someone who signs in here sees what is shared on their own pages, each view recorded.
        guard consent.recipientKind != .account else { throw ServiceError.conflict("error_consent_not_outside") }
        let ended = try await ConsentService(req: req, people: people).endedEngagements(of: participant.id!)
        let terms = [consent.terms(endedEngagements: ended)]
        let allowed = consent.categories.filter {
            ConsentRules.decide(
                terms, recipient: consent.recipient, category: $0, purpose: consent.consentPurpose, now: now,
                today: today
            ).isAllowed
        }
        guard !allowed.isEmpty else {
            try await audit("disclosure.export", outcome: .denied, participant: participant.id)
            throw ServiceError.conflict("error_consent_not_in_force")
        }
        let record = try await SharedRecord.read(
            allowed, of: participant, organizationZone: actor.organization.timeZone, req: req, limit: nil)
        try await recordDisclosures(allowed.map { ($0, consent) }, kind: .export, by: actor.userID, now: now)
        try await audit("disclosure.export", participant: participant.id)
        return (consent, View(participant: participant, record: record))
    }

    /// Each category a consent in force opens to the actor's account, with that consent.
    private func allowed(for participant: Participant, now: Date) async throws -> [(ConsentCategory, ConsentRecord)] {
        let consents = try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participant.id!).filter(\.$recipientUserID == actor.userID).all()
        guard !consents.isEmpty else { return [] }
        return decide(consents, endedEngagements: try await endedEngagements(of: [participant.id!]), now: now)
    }

    /// The engagements of these people that ended: a consent limited to one ends with it.
    private func endedEngagements(of participantIDs: Set<UUID>) async throws -> Set<UUID> {
        Set(
            try await Engagement.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$participant.$id ~~ participantIDs).filter(\.$status ~~ [.completed, .closed]).all(\.$id))
    }

    /// Each category one person's consents naming the actor's account open now, with the consent.
    private func decide(_ consents: [ConsentRecord], endedEngagements ended: Set<UUID>, now: Date)
        -> [(ConsentCategory, ConsentRecord)]
    {
        let terms = consents.map { $0.terms(endedEngagements: ended) }
        let byID = Dictionary(uniqueKeysWithValues: consents.map { ($0.id!, $0) })
        return ConsentCategory.allCases.compactMap { category in
            guard
                case .allowed(let id) = ConsentRules.decide(
                    terms, recipient: .account(actor.userID), category: category, purpose: nil, now: now, today: today),
                let consent = byID[id]
            else { return nil }
            return (category, consent)
        }
    }

    private func recordDisclosures(
        _ allowed: [(ConsentCategory, ConsentRecord)], kind: Disclosure.Kind, by: UUID?, now: Date
    ) async throws {
        var byConsent: [UUID: (ConsentRecord, [ConsentCategory])] = [:]
        for (category, consent) in allowed {
            byConsent[consent.id!, default: (consent, [])].1.append(category)
        }
        let groups = Array(byConsent.values)
        try await req.db.transaction { db in
            for (consent, categories) in groups {
                try await Disclosure(consent: consent, kind: kind, categories: categories, by: by, at: now).create(
                    on: db)
            }
        }
    }

    private func participant(_ id: UUID) async throws -> Participant? {
        try await Participant.query(on: req.db).filter(\.$organization.$id == actor.organizationID)
            .filter(\.$id == id).first()
    }

    private func audit(_ action: String, outcome: AuditLog.Outcome = .success, participant: UUID?) async throws {
        try await req.audit(
            action, outcome: outcome, actor: actor.userID, organization: actor.organizationID,
            subjectType: "participant", subject: participant, participant: participant)
    }
}
