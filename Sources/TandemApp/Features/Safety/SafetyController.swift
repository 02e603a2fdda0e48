import Foundation
import TandemKit
import Vapor

/// The crisis card, "I need help now", and the alerts page where coaches and supervisors
/// acknowledge alerts.
struct SafetyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("care", use: care)
        routes.post("help-now", use: helpNow)
        routes.get("alerts", use: alerts)
        routes.post("alerts", ":alertID", "acknowledge", use: acknowledge)
    }

    struct CareBody: Encodable, Sendable {
        let card: CrisisCard
        /// Who was told, and why: the person asked for help (`told=asked`) or wrote words that
        /// may mean danger (`told=wrote`); their coach, or the organization's team when they
        /// have no coach yet (supervisors see every alert). Nothing is said that did not happen.
        let told: String?
    }

    /// What the crisis card shows: the organization's line, the emergency number and the
    /// person's coaches.
    struct CrisisCard: Encodable, Sendable {
        let line: String
        let text: String?
        let coaches: [SafetyService.CoachContact]
        /// Who was alerted by what the person wrote (a check-in or a message), said on the card.
        var told: String? = nil
    }

    /// `wrote`: the card follows words of the person's own that raised an alert, so it says
    /// who was told (their coach, or the organization's team when they have none yet).
    static func card(_ signedIn: SignedIn, req: Request, wrote: Bool = false) async throws -> CrisisCard {
        var coaches: [SafetyService.CoachContact] = []
        if let own = try await CheckInService(req, actor: signedIn.actor).ownRecord() {
            coaches = try await SafetyService(req, actor: signedIn.actor).coachContacts(of: own.id!)
        }
        return CrisisCard(
            line: signedIn.organization.crisisLine, text: signedIn.organization.crisisText, coaches: coaches,
            told: wrote ? req.t("care_told_wrote" + (coaches.isEmpty ? "_team" : "")) : nil)
    }

    @Sendable func care(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let card = try await Self.card(signedIn, req: req)
        let told = req.query[String.self, at: "told"].map { reason in
            req.t((reason == "wrote" ? "care_told_wrote" : "care_told") + (card.coaches.isEmpty ? "_team" : ""))
        }
        return try await req.page("safety/care", titleKey: "care_title", CareBody(card: card, told: told))
    }

    /// "I need help now" from the person's home: an alert for their coach, then the card.
    @Sendable func helpNow(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        guard let own = try await CheckInService(req, actor: signedIn.actor).ownRecord() else {
            return .redirect("/care")
        }
        _ = try await SafetyService(req, actor: signedIn.actor).helpNow(own.id!)
        return .redirect("/care?told=asked")
    }

    struct AlertRow: Encodable, Sendable {
        let id: String
        let participantID: String
        let name: String
        let source: String
        let raised: String
        let acknowledged: String
        let by: String
        let note: String
    }

    struct AlertsBody: Encodable, Sendable {
        let open: [AlertRow]
        let acknowledged: [AlertRow]
        let saved: Bool
    }

    @Sendable func alerts(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await alertsPage(req: req, signedIn: signedIn)
    }

    func alertsPage(req: Request, signedIn: SignedIn, errors: [FieldError] = [], status: HTTPStatus = .ok)
        async throws -> Response
    {
        let (open, acknowledged) = try await SafetyService(req, actor: signedIn.actor).alerts()
        func row(_ item: SafetyService.OpenAlert) -> AlertRow {
            AlertRow(
                id: item.alert.id!.uuidString, participantID: item.alert.participantID.uuidString, name: item.name,
                source: req.t("alert_source_" + item.alert.source.rawValue),
                raised: req.dateTime(item.alert.createdAt, organization: signedIn.organization),
                acknowledged: item.alert.acknowledgedAt.map { req.dateTime($0, organization: signedIn.organization) }
                    ?? "", by: item.alert.acknowledgedName, note: item.alert.note)
        }
        return try await req.page(
            "safety/alerts", titleKey: "alerts_title",
            AlertsBody(
                open: open.map(row), acknowledged: acknowledged.map(row),
                saved: req.query[String.self, at: "saved"] != nil), errors: errors, status: status)
    }

    struct AcknowledgeForm: Content {
        var note: String?
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let form = (try? req.content.decode(AcknowledgeForm.self)) ?? AcknowledgeForm()
        do {
            _ = try await SafetyService(req, actor: signedIn.actor).acknowledge(
                try req.id("alertID"), note: form.note ?? "")
            return .redirect("/alerts?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await alertsPage(
                req: req, signedIn: signedIn, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }
}
