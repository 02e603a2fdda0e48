import Fluent
import Foundation
import TandemKit
import Vapor

/// Pages for one engagement: its details, status, coaches, and the contract for engagement
/// (reading, printing, signing). The services do the checks and the audit.
struct EngagementController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let engagements = routes.grouped("engagements", ":engagementID")
        engagements.get(use: show)
        engagements.post("status", use: changeStatus)
        engagements.post("coaches", use: reassign)
        engagements.get("agreement", use: agreement)
        engagements.post("signatures", use: sign)
    }

    struct SignatureRow: Encodable, Sendable {
        let who: String
        let name: String
        let when: String
        let version: Int
        let inPerson: Bool
    }

    struct CoachRow: Encodable, Sendable {
        let name: String
        let isPrimary: Bool
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let participantID: String
        let participantName: String
        let service: String
        let status: String
        let statusRaw: String
        let isOpen: Bool
        let details: [SummaryItem]
        let coaches: [CoachRow]
        let nextStatuses: [SelectOption]
        let closeReasons: [SelectOption]
        let canManage: Bool
        let canReassign: Bool
        let staff: [SelectOption]
        let otherStaff: [CheckOption]
        let agreementVersion: Int
        let signatures: [SignatureRow]
        let earlierSignatures: [SignatureRow]
        let agreementComplete: Bool
        let signAs: String?
        let canRecordInPerson: Bool
        let typedName: String
        let signed: Bool
        /// A sober companion engagement links to its coverage, shifts and weekly summaries.
        let isCompanion: Bool
        /// The thread is only the person's and this engagement's coaches': nobody else gets a
        /// link that would answer "forbidden".
        let canMessage: Bool
    }

    static func signatureRows(_ views: [AgreementService.SignatureView], req: Request, organization: Organization)
        -> [SignatureRow]
    {
        views.map {
            SignatureRow(
                who: req.t($0.signer == .participant ? "signer_participant" : "signer_coach"), name: $0.name,
                when: req.dateTime($0.signedAt, organization: organization), version: $0.version, inPerson: $0.inPerson)
        }
    }

    func body(_ id: UUID, actor: Actor, req: Request, typedName: String = "") async throws -> ShowBody {
        let detail = try await EngagementService(req, actor: actor).detail(id)
        let engagement = detail.summary.engagement
        let relation = detail.relation
        let can = { (action: ParticipantAction) in ParticipantAccess.can(actor.role, action, relation) }
        let agreement = detail.agreement
        var signAs: String?
        if engagement.status.isOpen {
            if can(.signAsParticipant), !agreement.participantSigned {
                signAs = "participant"
            } else if can(.signAsCoach), !agreement.signatures.contains(where: { $0.signerUserID == actor.userID }) {
                signAs = "coach"
            }
        }
        let staff = can(.reassign) ? try await EngagementService(req, actor: actor).staff() : []
        let coachIDs = Set(detail.summary.coaches.filter { !$0.isPrimary }.map(\.id))
        let primaryID = detail.summary.primary?.id
        let flags = (try? req.query.decode([String: String].self)) ?? [:]
        let details: [(String, String)] = [
            ("field_start_date", req.calendarDate(engagement.startDate)),
            ("field_end_date", req.calendarDate(engagement.endDate)),
            ("field_referral_source", req.t("referral_" + engagement.referralSource.rawValue)),
            ("field_funding", req.t("funding_" + engagement.funding.rawValue)),
            ("field_close_reason", engagement.closeReason.map { req.t("close_reason_" + $0.rawValue) } ?? ""),
        ]
        return ShowBody(
            id: id.uuidString, participantID: detail.participant.id!.uuidString,
            participantName: detail.participant.preferredName,
            service: req.t("service_" + engagement.serviceType.rawValue),
            status: req.t("status_" + engagement.status.rawValue), statusRaw: engagement.status.rawValue,
            isOpen: engagement.status.isOpen,
            details: details.filter { !$0.1.isEmpty }.map { SummaryItem(label: req.t($0.0), value: $0.1) },
            coaches: detail.summary.coaches.map { CoachRow(name: $0.name, isPrimary: $0.isPrimary) },
            nextStatuses: engagement.status.next.map {
                SelectOption(value: $0.rawValue, label: req.t("status_" + $0.rawValue), selected: false)
            },
            closeReasons: req.options(CloseReason.self, prefix: "close_reason_", selected: nil, blank: true),
            canManage: can(.manageEngagements), canReassign: can(.reassign),
            staff: staff.map {
                SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id == primaryID)
            },
            otherStaff: staff.filter { $0.id != primaryID }.map {
                CheckOption(value: $0.id.uuidString, label: $0.name, checked: coachIDs.contains($0.id))
            },
            agreementVersion: agreement.current.version,
            signatures: Self.signatureRows(agreement.signatures, req: req, organization: actor.organization),
            earlierSignatures: Self.signatureRows(agreement.earlier, req: req, organization: actor.organization),
            agreementComplete: agreement.complete, signAs: signAs,
            canRecordInPerson: engagement.status.isOpen && can(.recordInPersonSignature)
                && !agreement.participantSigned,
            typedName: typedName, signed: flags["signed"] != nil,
            isCompanion: engagement.serviceType == .soberCompanion && can(.viewAppointments),
            canMessage: ParticipantAccess.can(
                actor.role, .message,
                ParticipantRelation(
                    isSelf: relation.isSelf, isTheirCoach: detail.summary.coaches.contains { $0.id == actor.userID })))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        return try await req.page(
            "engagements/show", titleKey: "engagement_title",
            try await body(try req.id("engagementID"), actor: actor, req: req))
    }

    struct StatusForm: Content {
        var status: String?
        var close_reason: String?
    }

    @Sendable func changeStatus(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(StatusForm.self)) ?? StatusForm()
        do {
            _ = try await EngagementService(req, actor: actor).changeStatus(
                id, to: form.status ?? "", reason: form.close_reason ?? "")
            return .redirect("/engagements/\(id.uuidString)")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "engagements/show", titleKey: "engagement_title", try await body(id, actor: actor, req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        } catch ServiceError.conflict(let key) {
            return try await req.page(
                "engagements/show", titleKey: "engagement_title", try await body(id, actor: actor, req: req),
                errors: [FieldError(field: "status", message: req.t(key))], status: .conflict)
        }
    }

    struct CoachesForm: Content {
        var primary_coach: String?
        var other_coaches: [String]?
    }

    @Sendable func reassign(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(CoachesForm.self)) ?? CoachesForm()
        do {
            _ = try await EngagementService(req, actor: actor).reassign(
                id, primary: form.primary_coach ?? "", others: form.other_coaches ?? [])
            return .redirect("/engagements/\(id.uuidString)")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "engagements/show", titleKey: "engagement_title", try await body(id, actor: actor, req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct SignForm: Content {
        var typed_name: String?
        var signer: String?
        var version: Int?
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(SignForm.self)) ?? SignForm()
        guard let signing = AgreementService.Signing(rawValue: form.signer ?? "") else { throw Abort(.badRequest) }
        do {
            try await AgreementService(req, actor: actor).sign(
                id, as: signing, typedName: form.typed_name ?? "", version: form.version ?? 0)
            return .redirect("/engagements/\(id.uuidString)?signed=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "engagements/show", titleKey: "engagement_title",
                try await body(id, actor: actor, req: req, typedName: form.typed_name ?? ""),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        } catch ServiceError.conflict(let key) {
            return try await req.page(
                "engagements/show", titleKey: "engagement_title", try await body(id, actor: actor, req: req),
                errors: [FieldError(field: "typed_name", message: req.t(key))], status: .conflict)
        }
    }

    struct AgreementBody: Encodable, Sendable {
        let id: String
        let organizationName: String
        let participantName: String
        let service: String
        let version: Int
        let paragraphs: [String]
        /// The language the text is in (the reader's, when the organization wrote it in theirs).
        let language: String
        let signatures: [SignatureRow]
        let complete: Bool
    }

    /// The agreement as a document to read or print.
    @Sendable func agreement(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("engagementID")
        let (engagement, participant, state) = try await AgreementService(req, actor: actor).document(id)
        let (text, language) = state.current.text(for: req.language)
        return try await req.page(
            "engagements/agreement", titleKey: "agreement_title",
            AgreementBody(
                id: id.uuidString, organizationName: actor.organization.name,
                participantName: participant.preferredName,
                service: req.t("service_" + engagement.serviceType.rawValue), version: state.current.version,
                paragraphs: text.components(separatedBy: "\n\n").map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines)
                }.filter { !$0.isEmpty }, language: language.rawValue,
                signatures: Self.signatureRows(state.signatures, req: req, organization: actor.organization),
                complete: state.complete))
    }
}
