import Fluent
import Foundation
import TandemKit
import Vapor

/// Hand-off pages: a liaison's referrals and the form to send one; for admins and
/// supervisors the waiting referrals and the decision; one hand-off with its introduction
/// call and aftercare contacts. The service checks access, consent and audits.
struct HandoffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("handoffs", use: list)
        routes.get("handoffs", "new", use: newForm)
        routes.post("handoffs", use: create)
        routes.get("handoffs", ":handoffID", use: show)
        routes.post("handoffs", ":handoffID", "withdraw", use: withdraw)
        routes.post("handoffs", ":handoffID", "accept", use: accept)
        routes.post("handoffs", ":handoffID", "decline", use: decline)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let treatmentCenter: String
        let discharge: String
        let service: String
        let sent: String
        let status: String
        let statusKey: String
    }

    struct ListBody: Encodable, Sendable {
        let canRefer: Bool
        let waiting: [Row]
        let others: [Row]
        let sent: Bool
        /// Sent without the person's consent to share its status with the liaison.
        let sentPrivately: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let service = HandoffService(req, actor: signedIn.actor)
        var waiting: [Row] = []
        var others: [Row] = []
        let handoffs = try await service.list()
        let sharing = try await service.statusShared(handoffs)
        for handoff in handoffs {
            let shared = sharing[handoff.id!] ?? false
            let row = row(handoff, shared: shared, service: service, req: req)
            if HandoffService.listedAsWaiting(handoff, shared: shared) {
                waiting.append(row)
            } else {
                others.append(row)
            }
        }
        return try await req.page(
            "handoffs/list", titleKey: "handoffs_title",
            ListBody(
                canRefer: signedIn.actor.role == .partner, waiting: waiting, others: others,
                sent: req.query[String.self, at: "sent"] != nil,
                sentPrivately: req.query[String.self, at: "sent"] == "private"))
    }

    private func row(_ handoff: Handoff, shared: Bool, service: HandoffService, req: Request) -> Row {
        let zone = service.timeZone
        return Row(
            id: handoff.id!.uuidString, name: handoff.preferredName, treatmentCenter: handoff.treatmentCenter,
            discharge: CalendarDate(handoff.dischargeOn)?.written(req.messages) ?? handoff.dischargeOn,
            service: req.t("service_" + handoff.serviceType),
            sent: CalendarDate(handoff.createdAt, in: zone).written(req.messages),
            status: HandoffService.shownStatus(handoff, shared: shared).map { req.t("handoff_status_" + $0.rawValue) }
                ?? req.t("handoff_status_not_shared"),
            statusKey: HandoffService.shownStatus(handoff, shared: shared)?.rawValue ?? "not_shared")
    }

    struct FormBody: Encodable, Sendable {
        let v: [String: String]
        let services: [SelectOption]
        let languages: [SelectOption]
        let consent: Bool
    }

    struct ReferForm: Content {
        var preferred_name: String?
        var phone: String?
        var email: String?
        var language: String?
        var discharge_date: String?
        var service_type: String?
        var notes: String?
        var treatment_center: String?
        var status_consent: String?
        var consent_signed_name: String?

        var referral: HandoffReferral {
            HandoffReferral(
                preferredName: preferred_name ?? "", phone: phone ?? "", email: email ?? "",
                language: language ?? "en", dischargeDate: discharge_date ?? "", serviceType: service_type ?? "",
                notes: notes ?? "", treatmentCenter: treatment_center ?? "", statusConsent: status_consent != nil,
                consentSignedName: consent_signed_name ?? "")
        }
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.referHandoffs)
        // The liaison's treatment center, as they wrote it last time.
        let last = try await Handoff.query(on: req.db).filter(\.$organizationID == signedIn.organizationID)
            .filter(\.$partnerUserID == signedIn.userID).sort(\.$createdAt, .descending).first()
        var form = ReferForm()
        form.treatment_center = last?.treatmentCenter
        form.language = req.language.rawValue
        return try await formPage(form, req: req)
    }

    private func formPage(
        _ form: ReferForm, req: Request, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let values = [
            "preferred_name": form.preferred_name ?? "", "phone": form.phone ?? "", "email": form.email ?? "",
            "discharge_date": form.discharge_date ?? "", "notes": form.notes ?? "",
            "treatment_center": form.treatment_center ?? "", "consent_signed_name": form.consent_signed_name ?? "",
        ]
        return try await req.page(
            "handoffs/new", titleKey: "handoff_new_title",
            FormBody(
                v: values,
                services: [
                    SelectOption(value: "", label: req.t("choose_one"), selected: (form.service_type ?? "").isEmpty)
                ]
                    + HandoffReferral.services.map {
                        SelectOption(
                            value: $0.rawValue, label: req.t("service_" + $0.rawValue),
                            selected: $0.rawValue == form.service_type)
                    },
                languages: req.options(Language.self, prefix: "language_", selected: form.language ?? "en"),
                consent: form.status_consent != nil),
            errors: errors, status: status)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let form = (try? req.content.decode(ReferForm.self)) ?? ReferForm()
        do {
            _ = try await HandoffService(req, actor: signedIn.actor).refer(form.referral)
            // Without the person's consent the liaison will not see how it goes; the notice says so.
            return .redirect(form.status_consent != nil ? "/handoffs?sent=1" : "/handoffs?sent=private")
        } catch ServiceError.invalid(let problems) {
            return try await formPage(form, req: req, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let row: Row
        let phone: String
        let email: String
        let language: String
        let notes: String
        let consent: Bool
        let consentSignedName: String
        let declineReason: String
        let statusShared: Bool
        let isPartner: Bool
        /// The person's coach records the contacts they make as session notes.
        let isCoach: Bool
        let canWithdraw: Bool
        /// For staff: the liaison took the referral back after it was decided.
        var partnerWithdrew: String? = nil
        let canDecide: Bool
        let participantID: String?
        let appointmentID: String?
        let contacts: [SharedRecord.ContactRow]
        let accept: AcceptBody?
        let reason: String
        let decided: String?
    }

    struct AcceptBody: Encodable, Sendable {
        let coaches: [SelectOption]
        let fundings: [SelectOption]
        let date: String
        let start: String
        let end: String
        let modes: [SelectOption]
        let link: String
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let handoff = try await HandoffService(req, actor: signedIn.actor).handoff(try req.id("handoffID"))
        return try await showPage(handoff, req: req, signedIn: signedIn)
    }

    private func showPage(
        _ handoff: Handoff, req: Request, signedIn: SignedIn, accept: AcceptForm? = nil, reason: String = "",
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let service = HandoffService(req, actor: signedIn.actor)
        let shared = try await service.statusShared(handoff)
        let isPartner = handoff.partnerUserID == signedIn.userID
        let canDecide = AccessPolicy.can(signedIn.actor.role, .acceptHandoffs) && handoff.status.isOpen
        var contacts: [SharedRecord.ContactRow] = []
        if shared, handoff.status == .accepted {
            contacts = try await service.contacts(of: handoff).map {
                SharedRecord.contactRow($0, today: service.today, zone: service.timeZone, req: req)
            }
        }
        if !isPartner, let participantID = handoff.participantID {
            try await service.people.audit(
                "handoff.view", participant: participantID, subjectType: "handoff", subject: handoff.id)
        }
        var body = ShowBody(
            id: handoff.id!.uuidString, row: row(handoff, shared: shared, service: service, req: req),
            phone: handoff.phone,
            email: handoff.email, language: req.t("language_" + handoff.language), notes: handoff.notes,
            consent: handoff.statusConsent, consentSignedName: handoff.consentSignedName,
            declineReason: shared ? handoff.declineReason : "", statusShared: shared, isPartner: isPartner,
            isCoach: signedIn.role == .coach,
            canWithdraw: isPartner && HandoffService.partnerMayWithdraw(handoff, shared: shared),
            canDecide: canDecide,
            participantID: isPartner ? nil : handoff.participantID?.uuidString,
            appointmentID: isPartner ? nil : handoff.appointmentID?.uuidString, contacts: contacts,
            accept: canDecide ? try await acceptBody(handoff, form: accept, service: service, req: req) : nil,
            reason: reason,
            decided: shared
                ? handoff.decidedAt.map { CalendarDate($0, in: service.timeZone).written(req.messages) } : nil)
        if !isPartner, handoff.status != .withdrawn, let at = handoff.partnerWithdrewAt {
            body.partnerWithdrew = req.t(
                "handoff_partner_withdrew_after", ["date": CalendarDate(at, in: service.timeZone).written(req.messages)]
            )
        }
        return try await req.page("handoffs/show", titleKey: "handoff_title", body, errors: errors, status: status)
    }

    struct AcceptForm: Content {
        var coach_id: String?
        var funding: String?
        var call_date: String?
        var call_start: String?
        var call_end: String?
        var call_mode: String?
        var call_link: String?
    }

    /// The decision form, prefilled with an introduction call the day before discharge
    /// (or tomorrow when that has passed), by phone.
    private func acceptBody(_ handoff: Handoff, form: AcceptForm?, service: HandoffService, req: Request) async throws
        -> AcceptBody
    {
        let tomorrow = service.today.adding(days: 1) ?? service.today
        let suggested = max(CalendarDate(handoff.dischargeOn)?.adding(days: -1) ?? tomorrow, tomorrow)
        let staff = try await EngagementService(req, actor: service.actor).staff()
        let mode = form?.call_mode ?? ContactMode.phone.rawValue
        return AcceptBody(
            coaches: [SelectOption(value: "", label: req.t("choose_one"), selected: (form?.coach_id ?? "").isEmpty)]
                + staff.map {
                    SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id.uuidString == form?.coach_id)
                },
            fundings: req.options(Funding.self, prefix: "funding_", selected: form?.funding, blank: true),
            date: form?.call_date ?? suggested.description, start: form?.call_start ?? "10:00",
            end: form?.call_end ?? "10:30",
            modes: [ContactMode.phone, .video].map {
                SelectOption(
                    value: $0.rawValue, label: req.t("contact_mode_" + $0.rawValue), selected: $0.rawValue == mode)
            },
            link: form?.call_link ?? (handoff.phone.isEmpty ? "" : handoff.phone))
    }

    @Sendable func accept(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("handoffID")
        let form = (try? req.content.decode(AcceptForm.self)) ?? AcceptForm()
        let service = HandoffService(req, actor: signedIn.actor)
        let acceptance = HandoffService.Acceptance(
            coachID: form.coach_id ?? "", funding: form.funding ?? "",
            call: AppointmentDraft(
                date: form.call_date ?? "", start: form.call_start ?? "", end: form.call_end ?? "",
                mode: form.call_mode ?? "", videoLink: form.call_link ?? ""))
        do {
            let handoff = try await service.accept(id, acceptance)
            return .redirect("/handoffs/" + handoff.id!.uuidString)
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                try await service.handoff(id), req: req, signedIn: signedIn, accept: form,
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct DeclineForm: Content {
        var reason: String?
    }

    @Sendable func decline(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("handoffID")
        let form = (try? req.content.decode(DeclineForm.self)) ?? DeclineForm()
        let service = HandoffService(req, actor: signedIn.actor)
        do {
            _ = try await service.decline(id, reason: form.reason ?? "")
            return .redirect("/handoffs/" + id.uuidString)
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                try await service.handoff(id), req: req, signedIn: signedIn, reason: form.reason ?? "",
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let handoff = try await HandoffService(req, actor: signedIn.actor).withdraw(try req.id("handoffID"))
        return .redirect("/handoffs/" + handoff.id!.uuidString)
    }
}
