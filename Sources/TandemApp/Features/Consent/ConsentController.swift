import Fluent
import Foundation
import TandemKit
import Vapor

/// Consent pages: who can see what, giving a consent, its printable form, revoking it, the
/// disclosure history, and preparing a document for an outside party a consent names. The
/// services check access and audit.
struct ConsentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let forPerson = routes.grouped("participants", ":participantID")
        forPerson.get("consents", use: list)
        forPerson.get("consents", "new", use: newForm)
        forPerson.post("consents", use: create)
        forPerson.get("disclosures", use: disclosures)
        routes.get("consents", ":consentID", use: show)
        routes.get("consents", ":consentID", "revoke", use: confirmRevoke)
        routes.post("consents", ":consentID", "revoke", use: revoke)
        routes.post("consents", ":consentID", "disclosures", use: export)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let recipient: String
        let recipientKind: String
        let categories: String
        let purpose: String
        let expiry: String
        let state: String
        let stateKey: String
        let inForce: Bool
        let outside: Bool
    }

    static func row(_ consent: ConsentRecord, ended: Set<UUID>, today: CalendarDate, req: Request) -> Row {
        let state = consent.state(endedEngagements: ended, today: today)
        return Row(
            id: consent.id!.uuidString, recipient: consent.recipientName,
            recipientKind: req.t("consent_recipient_" + consent.recipientKind.rawValue),
            categories: categoryList(consent.categories, req: req),
            purpose: purposeText(consent, req: req), expiry: expiryText(consent, req: req),
            state: req.t("consent_state_" + state), stateKey: state, inForce: state == "in_force",
            outside: consent.recipientKind != .account)
    }

    static func categoryList(_ categories: [ConsentCategory], req: Request) -> String {
        categories.map { req.t("consent_category_" + $0.rawValue) }.joined(separator: ", ")
    }

    static func purposeText(_ consent: ConsentRecord, req: Request) -> String {
        let purpose = req.t("consent_purpose_" + consent.purpose)
        return consent.purposeNote.isEmpty ? purpose : purpose + ": " + consent.purposeNote
    }

    static func expiryText(_ consent: ConsentRecord, req: Request) -> String {
        CalendarDate(consent.expiresOn).map { req.t("consent_until_day", ["date": $0.written(req.messages)]) }
            ?? req.t("consent_until_engagement_end")
    }

    struct ListBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let canManage: Bool
        let canExport: Bool
        /// The coaches of the person's support in progress: they see the record without a
        /// consent, as the person's coaching needs.
        let coaches: [String]
        let rows: [Row]
        let revoked: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = ConsentService(req, actor: signedIn.actor)
        let overview = try await service.overview(of: try req.id("participantID"))
        let today = service.today
        var coaches: [String] = []
        for summary in try await EngagementService(req, actor: signedIn.actor).summaries(of: overview.participant)
        where summary.engagement.status.isOpen {
            for coach in summary.coaches where !coaches.contains(coach.name) { coaches.append(coach.name) }
        }
        return try await req.page(
            "consents/list", titleKey: "consents_title",
            ListBody(
                participantID: overview.participant.id!.uuidString, name: overview.participant.preferredName,
                canManage: ParticipantAccess.can(signedIn.role, .manageConsents, overview.relation),
                canExport: ParticipantAccess.can(signedIn.role, .export, overview.relation), coaches: coaches,
                rows: overview.consents.map {
                    Self.row($0, ended: overview.endedEngagements, today: today, req: req)
                }, revoked: req.query[String.self, at: "revoked"] != nil))
    }

    struct NewBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let isSelf: Bool
        let kinds: [CheckOption]
        let recipientEmail: String
        let recipientName: String
        let categories: [CheckOption]
        let purposes: [CheckOption]
        let purposeNote: String
        let expiryDay: Bool
        let expiryEngagement: Bool
        let hasEngagement: Bool
        let expiresOn: String
        let typedName: String
        let organizationName: String
        let notice: String
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        var draft = ConsentService.Draft()
        draft.recipientKind = "account"
        draft.purpose = ConsentPurpose.familySupport.rawValue
        draft.expiryKind = "engagement"
        return try await newPage(req: req, signedIn: signedIn, participantID: try req.id("participantID"), draft: draft)
    }

    func newPage(
        req: Request, signedIn: SignedIn, participantID: UUID, draft: ConsentService.Draft,
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let service = ConsentService(req, actor: signedIn.actor)
        let (participant, relation) = try await service.people.authorized(participantID, .manageConsents)
        let hasEngagement = try await !service.openEngagements(of: participantID).isEmpty
        return try await req.page(
            "consents/new", titleKey: "consents_new",
            NewBody(
                participantID: participantID.uuidString, name: participant.preferredName, isSelf: relation.isSelf,
                kinds: ConsentRecord.RecipientKind.allCases.map {
                    CheckOption(
                        value: $0.rawValue, label: req.t("consent_recipient_" + $0.rawValue),
                        checked: draft.recipientKind == $0.rawValue)
                }, recipientEmail: draft.recipientEmail, recipientName: draft.recipientName,
                categories: ConsentCategory.allCases.map {
                    CheckOption(
                        value: $0.rawValue, label: req.t("consent_category_" + $0.rawValue),
                        checked: draft.categories.contains($0.rawValue))
                },
                purposes: ConsentPurpose.allCases.map {
                    CheckOption(
                        value: $0.rawValue, label: req.t("consent_purpose_" + $0.rawValue),
                        checked: draft.purpose == $0.rawValue)
                }, purposeNote: draft.purposeNote, expiryDay: draft.expiryKind == "day",
                expiryEngagement: draft.expiryKind == "engagement", hasEngagement: hasEngagement,
                expiresOn: draft.expiresOn, typedName: draft.typedName, organizationName: signedIn.organization.name,
                notice: ConsentRules.notice),
            errors: errors, status: status)
    }

    struct CreateForm: Content {
        var recipient_kind: String?
        var recipient_email: String?
        var recipient_name: String?
        var categories: [String]?
        var purpose: String?
        var purpose_note: String?
        var expiry: String?
        var expires_on: String?
        var typed_name: String?
    }

    @Sendable func create(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(CreateForm.self)) ?? CreateForm()
        let draft = ConsentService.Draft(
            recipientKind: form.recipient_kind ?? "", recipientEmail: form.recipient_email ?? "",
            recipientName: form.recipient_name ?? "", categories: form.categories ?? [], purpose: form.purpose ?? "",
            purposeNote: form.purpose_note ?? "", expiryKind: form.expiry ?? "", expiresOn: form.expires_on ?? "",
            typedName: form.typed_name ?? "")
        do {
            let consent = try await ConsentService(req, actor: signedIn.actor).create(id, draft)
            return .redirect("/consents/\(consent.id!)?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await newPage(
                req: req, signedIn: signedIn, participantID: id, draft: draft, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let participantID: String
        let personName: String
        let legalName: String
        let organizationName: String
        let row: Row
        let signedName: String
        let signedAt: String
        let inPerson: Bool
        let revokedAt: String
        let canManage: Bool
        let canExport: Bool
        let notice: String
        let saved: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = ConsentService(req, actor: signedIn.actor)
        let (consent, participant, relation) = try await service.consent(try req.id("consentID"))
        let ended = try await service.endedEngagements(of: participant.id!)
        return try await req.page(
            "consents/show", titleKey: "consent_form_title",
            ShowBody(
                id: consent.id!.uuidString, participantID: participant.id!.uuidString,
                personName: participant.preferredName, legalName: participant.legalName,
                organizationName: signedIn.organization.name,
                row: Self.row(consent, ended: ended, today: service.today, req: req), signedName: consent.signedName,
                signedAt: req.dateTime(consent.signedAt, organization: signedIn.organization),
                inPerson: consent.inPerson,
                revokedAt: consent.revokedAt.map { req.dateTime($0, organization: signedIn.organization) } ?? "",
                canManage: ParticipantAccess.can(signedIn.role, .manageConsents, relation),
                canExport: ParticipantAccess.can(signedIn.role, .export, relation),
                notice: ConsentRules.notice, saved: req.query[String.self, at: "saved"] != nil))
    }

    struct RevokeBody: Encodable, Sendable {
        let id: String
        let participantID: String
        let intro: String
    }

    /// Revoking is a danger button: it asks on a page of its own, saying what stops and what
    /// does not, before anything changes.
    @Sendable func confirmRevoke(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = ConsentService(req, actor: signedIn.actor)
        let id = try req.id("consentID")
        guard let (consent, ended) = try await service.revocable(id) else {
            return .redirect("/consents/\(id.uuidString)")
        }
        let row = Self.row(consent, ended: ended, today: service.today, req: req)
        return try await req.page(
            "consents/revoke", titleKey: "consent_revoke_title",
            RevokeBody(
                id: consent.id!.uuidString, participantID: consent.participantID.uuidString,
                intro: req.t("consent_revoke_intro", ["recipient": row.recipient, "categories": row.categories])))
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let consent = try await ConsentService(req, actor: signedIn.actor).revoke(try req.id("consentID"))
        return .redirect("/participants/\(consent.participantID)/consents?revoked=1")
    }

    struct ExportBody: Encodable, Sendable {
        let name: String
        let legalName: String
        let organizationName: String
        let recipient: String
        let purpose: String
        let consentID: String
        let participantID: String
        let preparedAt: String
        let notice: String
        let record: SharedRecord
    }

    /// The document for the outside party, made (and recorded as a disclosure) on a POST so
    /// that reloading a link cannot disclose again.
    @Sendable func export(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let (consent, view) = try await DisclosureService(req, actor: signedIn.actor).export(try req.id("consentID"))
        let response = try await req.page(
            "consents/export", titleKey: "disclosure_document_title",
            ExportBody(
                name: view.participant.preferredName, legalName: view.participant.legalName,
                organizationName: signedIn.organization.name, recipient: consent.recipientName,
                purpose: Self.purposeText(consent, req: req), consentID: consent.id!.uuidString,
                participantID: view.participant.id!.uuidString,
                preparedAt: req.dateTime(Date(), organization: signedIn.organization), notice: ConsentRules.notice,
                record: view.record))
        return response
    }

    struct DisclosureRow: Encodable, Sendable {
        let when: String
        let recipient: String
        let kind: String
        let categories: String
        let purpose: String
    }

    struct DisclosuresBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let years: Int
        let rows: [DisclosureRow]
    }

    @Sendable func disclosures(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let (participant, rows) = try await ConsentService(req, actor: signedIn.actor)
            .disclosures(of: try req.id("participantID"))
        return try await req.page(
            "consents/disclosures", titleKey: "disclosures_title",
            DisclosuresBody(
                participantID: participant.id!.uuidString, name: participant.preferredName,
                years: ConsentRules.disclosureHistoryYears,
                rows: rows.map {
                    DisclosureRow(
                        when: req.dateTime($0.createdAt, organization: signedIn.organization),
                        recipient: $0.recipientName, kind: req.t("disclosure_kind_" + $0.kind.rawValue),
                        categories: Self.categoryList($0.categories, req: req),
                        purpose: req.t("consent_purpose_" + $0.purpose))
                }))
    }
}
