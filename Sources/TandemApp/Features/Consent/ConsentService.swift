import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Consents: the person (or their coach with the person, who signs on the coach's screen)
/// gives one, anyone who may manage them revokes one at once, and the person sees who can
/// see what and every disclosure of the last three years. Checks `manageConsents` to change
/// and `viewDisclosures` to read; every read and change is audited for the person.
struct ConsentService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    struct Draft: Sendable {
        var recipientKind = ""
        /// The e-mail of a family member's or partner's account, for an account recipient.
        var recipientEmail = ""
        /// The outside organization or person.
        var recipientName = ""
        var categories: [String] = []
        var purpose = ""
        var purposeNote = ""
        /// "day" or "engagement".
        var expiryKind = ""
        var expiresOn = ""
        var typedName = ""
    }

    var today: CalendarDate { ParticipantService.today(in: actor.organization) }

    /// The person's engagements still running (a consent may last until one ends).
    func openEngagements(of participantID: UUID) async throws -> [Engagement] {
        try await scope.engagements().filter(\.$participant.$id == participantID)
            .filter(\.$status !~ [.completed, .closed]).sort(\.$createdAt).all()
    }

    func create(_ participantID: UUID, _ draft: Draft, now: Date = Date()) async throws -> ConsentRecord {
        let (participant, relation) = try await people.authorized(participantID, .manageConsents)
        var problems: [(field: String, key: String)] = []
        let kind = ConsentRecord.RecipientKind(rawValue: draft.recipientKind)
        var recipientUser: User?
        var recipientName = draft.recipientName.trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .account:
            recipientUser = try await recipientAccount(draft.recipientEmail, participant: participant)
            if let user = recipientUser {
                recipientName = user.displayName
            } else {
                problems.append(("recipient_email", "error_consent_recipient_account"))
            }
        case .organization, .person:
            if let key = FieldRules.name(recipientName, maximum: 200) { problems.append(("recipient_name", key)) }
        case nil:
            problems.append(("recipient_kind", "error_choose_one"))
        }
        let parsed = ValueList.parse(draft.categories, as: ConsentCategory.self)
        if !parsed.unknown.isEmpty { problems.append(("categories", "error_value_invalid")) }
        let purpose = ConsentPurpose(rawValue: draft.purpose)
        if purpose == nil { problems.append(("purpose", "error_choose_one")) }
        let note = draft.purposeNote.trimmingCharacters(in: .whitespacesAndNewlines)
        if purpose == .other && note.isEmpty { problems.append(("purpose_note", "error_consent_purpose_note")) }
        if note.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            problems.append(("purpose_note", "error_text_invalid"))
        }
        var expiry: ConsentExpiry?
        var engagement: Engagement?
        switch draft.expiryKind {
        case "day":
            let day = draft.expiresOn.trimmingCharacters(in: .whitespaces)
            expiry = CalendarDate(day).map { .day($0) }
            // The day was chosen, but what was typed is not a day: say that, not "choose one".
            if expiry == nil {
                problems.append(("expiry", day.isEmpty ? "error_date_required" : "error_date_invalid"))
            }
        case "engagement":
            engagement = try await openEngagements(of: participantID).first
            if engagement != nil {
                expiry = .engagementEnd
            } else {
                problems.append(("expiry", "error_consent_no_engagement"))
            }
        default: break
        }
        let typed = draft.typedName.trimmingCharacters(in: .whitespacesAndNewlines)
        for problem in ConsentRules.problems(
            categories: Set(parsed.values), purposeNote: note, expiry: expiry, typedName: typed, today: today)
        where !(problem.field == "expiry" && problems.contains { $0.field == "expiry" }) {
            problems.append(problem)
        }
        guard problems.isEmpty, let kind, let purpose, let expiry else { throw ServiceError.invalid(problems) }
        let consent = ConsentRecord()
        consent.organizationID = actor.organizationID
        consent.participantID = participantID
        consent.recipientKind = kind
        consent.recipientUserID = recipientUser?.id
        consent.recipientName = recipientName
        consent.categoriesText = "," + parsed.values.map(\.rawValue).joined(separator: ",") + ","
        consent.purpose = purpose.rawValue
        consent.purposeNote = note
        if case .day(let last) = expiry { consent.expiresOn = last.description } else { consent.expiresOn = "" }
        consent.engagementID = engagement?.id
        consent.signedName = typed
        consent.signedAt = now
        consent.enteredBy = actor.userID
        consent.inPerson = !relation.isSelf
        try await consent.create(on: req.db)
        try await audit("consent.create", consent)
        return consent
    }

    /// A family member's or partner's account in this organization, found by e-mail; never
    /// the person themself.
    private func recipientAccount(_ email: String, participant: Participant) async throws -> User? {
        guard FieldRules.email(email) == nil else { return nil }
        guard let user = try await User.query(on: req.db).filter(\.$email == FieldRules.normalizedEmail(email)).first(),
            user.id != participant.$user.id,
            let membership = try await scope.memberships().filter(\.$user.$id == user.id!).first(),
            membership.role == .family || membership.role == .partner
        else { return nil }
        return user
    }

    /// Revokes a consent from this moment on: the next view or export under it is refused,
    /// even for a recipient signed in right now (every view checks the consent afresh).
    func revoke(_ id: UUID, now: Date = Date()) async throws -> ConsentRecord {
        let consent = try await find(id)
        _ = try await people.authorized(consent.participantID, .manageConsents)
        guard consent.revokedAt == nil else { throw ServiceError.conflict("error_consent_revoked") }
        // Claimed: only a consent not yet revoked is changed, so of two revocations at once the
        // first stays and the second is told so.
        guard
            try await claimed(
                """
                UPDATE consents SET revoked_at = \(bind: now), revoked_by = \(bind: actor.userID) \
                WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id
                """, on: req.db)
        else { throw ServiceError.conflict("error_consent_revoked") }
        consent.revokedAt = now
        consent.revokedBy = actor.userID
        try await audit("consent.revoke", consent)
        return consent
    }

    struct Overview: Sendable {
        let participant: Participant
        let relation: ParticipantRelation
        let consents: [ConsentRecord]
        let endedEngagements: Set<UUID>
    }

    /// Every consent of the person, newest first, and which engagements have ended.
    func overview(of participantID: UUID) async throws -> Overview {
        let (participant, relation) = try await people.authorized(participantID, .viewDisclosures)
        let consents = try await consents(of: participantID)
        try await people.audit("consent.list", participant: participantID)
        return Overview(
            participant: participant, relation: relation, consents: consents,
            endedEngagements: try await endedEngagements(of: participantID))
    }

    func consents(of participantID: UUID) async throws -> [ConsentRecord] {
        try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$signedAt, .descending).all()
    }

    func endedEngagements(of participantID: UUID) async throws -> Set<UUID> {
        Set(
            try await scope.engagements().filter(\.$participant.$id == participantID)
                .filter(\.$status ~~ [.completed, .closed]).all(\.$id))
    }

    /// One consent, for its printable form.
    /// A consent its manager is about to revoke, for the page that asks first (audited as a
    /// view); nil when it is no longer in force, so there is nothing to revoke.
    func revocable(_ id: UUID) async throws -> (consent: ConsentRecord, ended: Set<UUID>)? {
        let (consent, participant, _) = try await consent(id)
        _ = try await people.authorized(participant.id!, .manageConsents)
        let ended = try await endedEngagements(of: participant.id!)
        return consent.state(endedEngagements: ended, today: today) == "in_force" ? (consent, ended) : nil
    }

    func consent(_ id: UUID) async throws -> (ConsentRecord, Participant, ParticipantRelation) {
        let consent = try await find(id)
        let (participant, relation) = try await people.authorized(consent.participantID, .viewDisclosures)
        try await audit("consent.view", consent)
        return (consent, participant, relation)
    }

    /// The disclosures of the last three years (42 CFR §2.25), newest first.
    func disclosures(of participantID: UUID, now: Date = Date()) async throws -> (Participant, [Disclosure]) {
        let (participant, _) = try await people.authorized(participantID, .viewDisclosures)
        let since = Calendar(identifier: .gregorian).date(
            byAdding: .year, value: -ConsentRules.disclosureHistoryYears, to: now)!
        let rows = try await Disclosure.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).filter(\.$createdAt >= since)
            .sort(\.$createdAt, .descending).limit(1000).all()
        try await people.audit("disclosure.list", participant: participantID)
        return (participant, rows)
    }

    private func find(_ id: UUID) async throws -> ConsentRecord {
        guard
            let consent = try await ConsentRecord.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return consent
    }

    private func audit(_ action: String, _ consent: ConsentRecord) async throws {
        try await people.audit(action, participant: consent.participantID, subjectType: "consent", subject: consent.id)
    }
}

/// Runs an UPDATE … RETURNING that changes a row only in the state it was read in; true when
/// this request changed it (false when another got there first).
func claimed(_ statement: SQLQueryString, on db: any Database) async throws -> Bool {
    guard let sql = db as? any SQLDatabase else { return false }
    return try await !sql.raw(statement).all().isEmpty
}
