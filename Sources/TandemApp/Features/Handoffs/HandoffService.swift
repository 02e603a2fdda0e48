import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Hand-offs from treatment centers. A partner's liaison refers a person before discharge
/// and sees their own referrals; admins and supervisors accept one (the person becomes a
/// participant with a coach, an introduction call and the aftercare contacts) or decline it.
/// The liaison sees how it goes only while the person's consent allows it, each look
/// recorded as a disclosure. Every step is audited.
struct HandoffService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    var today: CalendarDate { ParticipantService.today(in: actor.organization) }
    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }

    /// Sends a referral; the organization's admins and supervisors are told by e-mail, without the name.
    func refer(_ referral: HandoffReferral, now: Date = Date()) async throws -> Handoff {
        guard AccessPolicy.can(actor.role, .referHandoffs) else {
            try await audit("handoff.create", outcome: .denied, nil)
            throw ServiceError.denied
        }
        let referral = referral.normalized()
        let problems = referral.problems(today: today)
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let handoff = Handoff(
            organizationID: actor.organizationID, partnerUserID: actor.userID, referral: referral, at: now)
        try await handoff.create(on: req.db)
        try await audit("handoff.create", handoff)
        try await notifyStaff(handoff)
        return handoff
    }

    /// The referrals the actor may see: a liaison's own, or for admins and supervisors all of
    /// the organization's, waiting ones first; newest first within each.
    func list(limit: Int = 200) async throws -> [Handoff] {
        var query = Handoff.query(on: req.db).filter(\.$organizationID == actor.organizationID)
        if AccessPolicy.can(actor.role, .referHandoffs) {
            query = query.filter(\.$partnerUserID == actor.userID)
        } else if !AccessPolicy.can(actor.role, .acceptHandoffs) {
            throw ServiceError.denied
        }
        // Every referral still waiting, however many came since; then the latest decided ones.
        let waiting = try await query.copy().filter(\.$status == .referred).sort(\.$createdAt, .descending).all()
        let decided = try await query.filter(\.$status != .referred).sort(\.$createdAt, .descending).limit(limit)
            .all()
        try await req.audit(
            "handoff.list", actor: actor.userID, organization: actor.organizationID, subjectType: "handoffs",
            subject: nil)
        return waiting + decided
    }

    /// One referral: for the liaison who sent it, for admins and supervisors, and for the
    /// coaches of the person it became. Others get "not found", as if it did not exist.
    func handoff(_ id: UUID) async throws -> Handoff {
        guard
            let handoff = try await Handoff.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        if AccessPolicy.can(actor.role, .acceptHandoffs) || handoff.partnerUserID == actor.userID {
            return handoff
        }
        if actor.role == .coach, let participantID = handoff.participantID,
            (try? await people.authorized(participantID, .view)) != nil
        {
            return handoff
        }
        try await audit("handoff.view", outcome: .denied, handoff)
        throw ServiceError.notFound
    }

    /// Whether the actor may see how the hand-off goes. Staff who may see the referral may;
    /// the liaison only with the person's consent: the one given at the treatment center until
    /// the hand-off is accepted, then the consent it became (which the person may revoke).
    /// A liaison's look at an accepted hand-off is recorded as a disclosure.
    func statusShared(_ handoff: Handoff, now: Date = Date()) async throws -> Bool {
        try await statusShared([handoff], now: now)[handoff.id!] ?? false
    }

    /// `statusShared` for a list, by hand-off id: the consents of all its people read at once.
    func statusShared(_ handoffs: [Handoff], now: Date = Date()) async throws -> [UUID: Bool] {
        var shared: [UUID: Bool] = [:]
        var accepted: [(handoff: UUID, participant: UUID)] = []
        for handoff in handoffs {
            if handoff.partnerUserID != actor.userID || actor.role != .partner {
                shared[handoff.id!] = true
            } else if handoff.status == .accepted, let participantID = handoff.participantID {
                accepted.append((handoff.id!, participantID))
            } else {
                shared[handoff.id!] = handoff.statusConsent || handoff.status == .withdrawn
            }
        }
        let opened = try await DisclosureService(req, actor: actor).disclose(
            .handoffStatus, of: Set(accepted.map(\.participant)), now: now)
        for (handoff, participant) in accepted { shared[handoff] = opened.contains(participant) }
        return shared
    }

    /// The hand-off that brought the person, for the link on their page (staff only): its id
    /// alone, by `handoffs_participant`.
    static func handoffID(of participantID: UUID, in organizationID: UUID, on db: any Database) async throws -> UUID? {
        try await Handoff.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == participantID).field(\.$id).first()?.id
    }

    /// The status a viewer is shown: the real one when they may see it; for a liaison who took
    /// back a referral decided out of their sight, "withdrawn", as after any withdrawal.
    static func shownStatus(_ handoff: Handoff, shared: Bool) -> HandoffStatus? {
        shared ? handoff.status : handoff.partnerWithdrewAt != nil ? .withdrawn : nil
    }

    /// Whether a referral is listed among the waiting ones for this viewer: while it waits, and
    /// while its decision is out of their sight; one they took back is listed as withdrawn.
    static func listedAsWaiting(_ handoff: Handoff, shared: Bool) -> Bool {
        shownStatus(handoff, shared: shared)?.isOpen ?? true
    }

    /// Whether the referring liaison may still take the referral back: while it waits, or
    /// whenever its decision is out of their sight (withdrawing must not tell them it was made).
    static func partnerMayWithdraw(_ handoff: Handoff, shared: Bool) -> Bool {
        handoff.partnerWithdrewAt == nil && (handoff.status.isOpen || !shared)
    }

    /// Takes back a referral: its liaison only. While it waits, it is withdrawn. Once decided,
    /// a liaison who may see how it went is told so; one who may not (the person gave no
    /// consent) must not learn from this answer that a decision was made: their wish is kept
    /// beside the decision, which stands, for the organization to read, and they see the
    /// referral withdrawn, as after any withdrawal.
    func withdraw(_ id: UUID, now: Date = Date()) async throws -> Handoff {
        let handoff = try await handoff(id)
        guard handoff.partnerUserID == actor.userID else { throw ServiceError.denied }
        do {
            try await claim(handoff, to: .withdrawn) { $0.partnerWithdrewAt = now }
        } catch ServiceError.conflict {
            // Whether they may see it is asked of the hand-off as it now is (a consent may have
            // ended since the referral); told it was decided only if they may.
            guard let current = try await Handoff.find(handoff.id, on: req.db),
                !(try await statusShared(current, now: now)), let sql = req.db as? any SQLDatabase
            else { throw ServiceError.conflict("error_handoff_decided") }
            try await sql.raw(
                """
                UPDATE handoffs SET partner_withdrew_at = \(bind: now) WHERE id = \(bind: handoff.id!) \
                AND organization_id = \(bind: handoff.organizationID) AND partner_withdrew_at IS NULL
                """
            ).run()
        }
        try await audit("handoff.withdraw", handoff)
        return try await self.handoff(id)
    }

    func decline(_ id: UUID, reason: String, now: Date = Date()) async throws -> Handoff {
        guard AccessPolicy.can(actor.role, .acceptHandoffs) else { throw ServiceError.denied }
        let handoff = try await handoff(id)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { throw ServiceError.invalid([("reason", "error_handoff_reason")]) }
        if reason.count > 500 { throw ServiceError.invalid([("reason", "error_text_too_long")]) }
        let by = actor.userID
        try await claim(handoff, to: .declined) { row in
            row.declineReason = reason
            row.decidedBy = by
            row.decidedAt = now
        }
        try await audit("handoff.decline", handoff)
        return handoff
    }

    /// What an admin or supervisor chooses when accepting: the coach, how the engagement is
    /// funded, and the introduction call (a phone number or a video link to join).
    struct Acceptance: Sendable {
        var coachID = ""
        var funding = ""
        var call = AppointmentDraft()
    }

    /// Accepts a waiting referral in one transaction: the person becomes a participant with
    /// an active engagement of the service asked for, the chosen coach gets the introduction
    /// call in their schedule, the aftercare contacts are planned from the organization's
    /// template, and a consent the person gave at the treatment center becomes a consent on
    /// their record, until the end of this engagement.
    func accept(_ id: UUID, _ acceptance: Acceptance, now: Date = Date()) async throws -> Handoff {
        guard AccessPolicy.can(actor.role, .acceptHandoffs) else { throw ServiceError.denied }
        let handoff = try await handoff(id)
        guard handoff.status.isOpen else { throw ServiceError.conflict("error_handoff_decided") }
        var problems: [(field: String, key: String)] = []
        let engagements = EngagementService(req, actor: actor)
        let terms = try await engagements.check(
            EngagementService.Terms(
                serviceType: handoff.serviceType, referralSource: ReferralSource.treatmentCenter.rawValue,
                funding: acceptance.funding, startDate: today.description, primaryCoachID: acceptance.coachID),
            problems: &problems)
        let call = acceptance.call.normalized()
        problems += call.problems(now: now, in: timeZone).map { ("call_" + $0.field, $0.key) }
        if let mode = ContactMode(rawValue: call.mode), mode != .phone && mode != .video {
            problems.append(("call_mode", "error_choose_one"))
        }
        guard problems.isEmpty, let terms, let interval = call.interval(in: timeZone),
            let discharge = CalendarDate(handoff.dischargeOn)
        else { throw ServiceError.invalid(problems.isEmpty ? [("call_date", "error_date_invalid")] : problems) }
        let policy = try await OutreachService.policy(of: actor.organizationID, on: req.db)
        let planned = AftercarePlan.plan(accepted: today, discharge: discharge, days: policy.aftercareDays)
        let profile = ParticipantProfile(
            preferredName: handoff.preferredName, phone: handoff.phone, email: handoff.email,
            language: handoff.language)
        let organizationID = actor.organizationID
        let userID = actor.userID
        let (participant, engagement, appointment) = try await req.db.transaction { db in
            try await claim(handoff, to: .accepted, on: db) { _ in }
            let participant = Participant(organizationID: organizationID, profile: profile)
            try await participant.create(on: db)
            try await ParticipantService.index(participant, on: db)
            let engagement = try await EngagementService.insert(terms, for: participant, on: db)
            let appointment = Appointment(
                organizationID: organizationID, participantID: participant.id!, coachID: terms.primaryCoachID,
                createdBy: userID)
            appointment.apply(call, interval: interval)
            try await appointment.create(on: db)
            for contact in planned {
                try await HandoffContact(handoff: handoff, participantID: participant.id!, planned: contact).create(
                    on: db)
            }
            if handoff.statusConsent {
                try await Self.consent(from: handoff, participant: participant, engagement: engagement).create(on: db)
            }
            try await Handoff.query(on: db).filter(\.$id == handoff.id!)
                .set(\.$participantID, to: participant.id).set(\.$engagementID, to: engagement.id)
                .set(\.$appointmentID, to: appointment.id).set(\.$decidedBy, to: userID).set(\.$decidedAt, to: now)
                .update()
            return (participant, engagement, appointment)
        }
        handoff.status = .accepted
        handoff.participantID = participant.id
        handoff.engagementID = engagement.id
        handoff.appointmentID = appointment.id
        handoff.decidedBy = userID
        handoff.decidedAt = now
        try await people.audit("participant.create", participant: participant.id)
        try await people.audit(
            "engagement.create", participant: participant.id, subjectType: "engagement", subject: engagement.id)
        try await people.audit(
            "appointment.create", participant: participant.id, subjectType: "appointment", subject: appointment.id)
        if handoff.statusConsent {
            try await people.audit("consent.create", participant: participant.id, subjectType: "consent", subject: nil)
        }
        try await audit("handoff.accept", handoff)
        return handoff
    }

    /// The consent the person signed at the treatment center, on their record: the liaison
    /// sees the hand-off status, to coordinate care, until the end of this engagement.
    private static func consent(from handoff: Handoff, participant: Participant, engagement: Engagement)
        -> ConsentRecord
    {
        let consent = ConsentRecord()
        consent.organizationID = handoff.organizationID
        consent.participantID = participant.id!
        consent.recipientKind = .account
        consent.recipientUserID = handoff.partnerUserID
        consent.recipientName = handoff.treatmentCenter
        consent.categoriesText = "," + ConsentCategory.handoffStatus.rawValue + ","
        consent.purpose = ConsentPurpose.careCoordination.rawValue
        consent.purposeNote = ""
        consent.expiresOn = ""
        consent.engagementID = engagement.id
        consent.signedName = handoff.consentSignedName
        consent.signedAt = handoff.createdAt
        consent.enteredBy = handoff.partnerUserID
        consent.inPerson = true
        return consent
    }

    /// The contacts planned for an accepted hand-off, in order.
    func contacts(of handoff: Handoff) async throws -> [HandoffContact] {
        try await HandoffContact.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$handoffID == handoff.id!).sort(\.$sequence).all()
    }

    /// Moves a waiting referral to `status` only if it is still waiting, so two decisions
    /// at once cannot both win.
    private func claim(
        _ handoff: Handoff, to status: HandoffStatus, on db: (any Database)? = nil,
        _ change: @escaping @Sendable (Handoff) -> Void
    ) async throws {
        let db = db ?? req.db
        guard let sql = db as? any SQLDatabase else { throw ServiceError.conflict("error_handoff_decided") }
        let rows = try await sql.raw(
            """
            UPDATE handoffs SET status = \(bind: status.rawValue) WHERE id = \(bind: handoff.id!) \
            AND organization_id = \(bind: handoff.organizationID) AND status = 'referred' RETURNING id
            """
        ).all()
        guard !rows.isEmpty else { throw ServiceError.conflict("error_handoff_decided") }
        handoff.status = status
        change(handoff)
        try await handoff.save(on: db)
    }

    private func notifyStaff(_ handoff: Handoff) async throws {
        try await StaffNotice.send(
            req, organizationID: handoff.organizationID, subjectKey: "handoff_email_subject",
            bodyKey: "handoff_email_body", path: "/handoffs/" + handoff.id!.uuidString, kind: "handoff",
            dedupe: "handoff:\(handoff.id!)")
    }

    private func audit(_ action: String, outcome: AuditLog.Outcome = .success, _ handoff: Handoff?) async throws {
        try await req.audit(
            action, outcome: outcome, actor: actor.userID, organization: actor.organizationID, subjectType: "handoff",
            subject: handoff?.id, participant: handoff?.participantID)
    }
}

/// Completing planned hand-off contacts when a contact with the person happens (see
/// `AftercarePlan`): every open one whose window has opened by that day.
enum HandoffContacts {
    static func complete(_ participantIDs: [UUID], organizationID: UUID, at: Date, on db: any Database) async throws {
        guard !participantIDs.isEmpty, let sql = db as? any SQLDatabase,
            let organization = try await Organization.find(organizationID, on: db)
        else { return }
        let day = ParticipantService.day(at, in: organization).description
        try await sql.raw(
            """
            UPDATE handoff_contacts SET completed_at = \(bind: at) WHERE organization_id = \(bind: organizationID) \
            AND participant_id IN (\(binds: participantIDs)) AND completed_at IS NULL AND opens_on <= \(bind: day)
            """
        ).run()
    }
}
