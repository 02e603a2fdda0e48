import Fluent
import Foundation
import TandemKit
import Vapor

/// The contract for engagement: the organization's versioned text, and the signatures of
/// participant and coach on each engagement. Access checks and audit are done here.
struct AgreementService {
    let req: Request
    let scope: TenantScope

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.scope = TenantScope(actor: actor, db: req.db)
    }

    var actor: Actor { scope.actor }

    /// The organization's newest agreement. The first time one is needed, the default text
    /// becomes version 1 (a concurrent first use finds the row the other made).
    func current() async throws -> AgreementVersion {
        if let latest = try await scope.agreementVersions().sort(\.$version, .descending).first() { return latest }
        let first = AgreementVersion(
            organizationID: actor.organizationID, version: 1, text: AgreementDefaults.text,
            textEs: AgreementDefaults.textEs, createdBy: nil)
        do {
            try await first.create(on: req.db)
            return first
        } catch {
            guard let made = try await scope.agreementVersions().sort(\.$version, .descending).first() else {
                throw error
            }
            return made
        }
    }

    func versions() async throws -> [AgreementVersion] {
        _ = try await current()
        return try await scope.agreementVersions().sort(\.$version, .descending).all()
    }

    /// Saves a changed text (English, and Spanish when written) as the next version; earlier
    /// signatures keep naming theirs. Admins only. Audited.
    func publish(_ text: String, spanish: String = "") async throws -> AgreementVersion {
        guard AccessPolicy.can(actor.role, .editSettings) else {
            try await req.audit(
                "agreement.publish", outcome: .denied, actor: actor.userID, organization: actor.organizationID)
            throw ServiceError.denied
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmedEs = spanish.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [(field: String, key: String)] = []
        if trimmed.isEmpty { problems.append(("text", "error_agreement_missing")) }
        for (field, value) in [("text", trimmed), ("text_es", trimmedEs)] {
            if value.count > 20_000 {
                problems.append((field, "error_text_too_long"))
            } else if value.unicodeScalars.contains(where: { ParticipantProfile.forbidden($0) }) {
                problems.append((field, "error_text_invalid"))
            }
        }
        let latest = try await current()
        // A Spanish text left as it was under a changed English one would be another agreement
        // under the same version: it is changed too, or emptied.
        if trimmed != latest.text && !trimmedEs.isEmpty && trimmedEs == latest.textEs {
            problems.append(("text_es", "error_agreement_spanish_stale"))
        }
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        if latest.text == trimmed && latest.textEs == trimmedEs { return latest }
        let next = AgreementVersion(
            organizationID: actor.organizationID, version: latest.version + 1, text: trimmed, textEs: trimmedEs,
            createdBy: actor.userID)
        do {
            try await next.create(on: req.db)
        } catch {
            throw ServiceError.conflict("error_agreement_changed")
        }
        try await req.audit(
            "agreement.publish", actor: actor.userID, organization: actor.organizationID,
            subjectType: "agreement_version", subject: next.id)
        return next
    }

    struct SignatureView: Sendable {
        let signer: AgreementSignature.Signer
        let name: String
        let signedAt: Date
        let version: Int
        let inPerson: Bool
        let signerUserID: UUID?
    }

    /// Where an engagement's agreement stands: the version to sign now and who has signed it.
    struct State: Sendable {
        let current: AgreementVersion
        let signatures: [SignatureView]
        let earlier: [SignatureView]

        var participantSigned: Bool { signatures.contains { $0.signer == .participant } }
        var coachSigned: Bool { signatures.contains { $0.signer == .coach } }
        var complete: Bool { participantSigned && coachSigned }
    }

    func state(of engagement: Engagement) async throws -> State {
        try await states(of: [engagement])[engagement.id!]!
    }

    /// The agreement state of several engagements with two queries, for lists.
    func states(of engagements: [Engagement]) async throws -> [UUID: State] {
        let current = try await current()
        let ids = engagements.compactMap(\.id)
        let all =
            ids.isEmpty
            ? [] : try await scope.signatures().filter(\.$engagement.$id ~~ ids).sort(\.$signedAt).all()
        let byEngagement = Dictionary(grouping: all, by: { $0.$engagement.id })
        var result: [UUID: State] = [:]
        for id in ids {
            let views = (byEngagement[id] ?? []).map {
                SignatureView(
                    signer: $0.signer, name: $0.typedName, signedAt: $0.signedAt, version: $0.version,
                    inPerson: $0.signer == .participant && $0.$signerUser.id == nil, signerUserID: $0.$signerUser.id)
            }
            result[id] = State(
                current: current, signatures: views.filter { $0.version == current.version },
                earlier: views.filter { $0.version != current.version })
        }
        return result
    }

    /// The agreement of one engagement for reading or printing. Audited as a view.
    func document(_ engagementID: UUID) async throws -> (Engagement, Participant, State) {
        let (engagement, participant, _) = try await EngagementService(req, actor: actor).authorized(
            engagementID, .view)
        let state = try await state(of: engagement)
        try await ParticipantService(req, actor: actor).audit(
            "agreement.view", participant: participant.id, subjectType: "engagement", subject: engagementID)
        return (engagement, participant, state)
    }

    /// How a signature is given.
    enum Signing: String, Sendable {
        /// The participant, from their own account.
        case participant
        /// A coach of the engagement, for themself.
        case coach
        /// The participant in person, on the coach's screen; the coach is recorded as witness.
        case participantInPerson = "participant_in_person"
    }

    /// Signs the current version of the agreement for an engagement with a typed full name.
    /// `version` is the version the signer read: if the text changed since, nothing is signed.
    /// Audited.
    func sign(_ engagementID: UUID, as signing: Signing, typedName: String, version: Int) async throws {
        let action: ParticipantAction =
            switch signing {
            case .participant: .signAsParticipant
            case .coach: .signAsCoach
            case .participantInPerson: .recordInPersonSignature
            }
        let (engagement, participant, _) = try await EngagementService(req, actor: actor).authorized(
            engagementID, action)
        let name = try ServiceError.typedSignature(typedName)
        guard engagement.status.isOpen else { throw ServiceError.conflict("error_engagement_ended") }
        let current = try await current()
        guard current.version == version else { throw ServiceError.conflict("error_agreement_changed") }
        let signature = AgreementSignature()
        signature.organizationID = actor.organizationID
        signature.$engagement.id = engagementID
        signature.$agreementVersion.id = current.id!
        signature.version = current.version
        signature.signer = signing == .coach ? .coach : .participant
        signature.signerKey = signing == .coach ? "coach:\(actor.userID.uuidString)" : "participant"
        signature.$signerUser.id = signing == .participantInPerson ? nil : actor.userID
        signature.$recordedBy.id = actor.userID
        signature.typedName = name
        signature.signedAt = Date()
        if try await scope.signatures().filter(\.$engagement.$id == engagementID)
            .filter(\.$agreementVersion.$id == current.id!).filter(\.$signerKey == signature.signerKey).first() != nil
        {
            throw ServiceError.conflict("error_already_signed")
        }
        do {
            try await signature.create(on: req.db)
        } catch {
            // The unique constraint: a concurrent request signed first.
            throw ServiceError.conflict("error_already_signed")
        }
        try await ParticipantService(req, actor: actor).audit(
            "agreement.sign", participant: participant.id, subjectType: "agreement_signature", subject: signature.id)
    }
}
