import Foundation
import TandemKit
import Vapor

/// The person's data rights: "download all my data" as JSON and as a page that prints,
/// requests for correction and their answers, and an admin anonymizing a record.
struct DataRightsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let forPerson = routes.grouped("participants", ":participantID")
        forPerson.get("data", use: page)
        forPerson.get("data.json", use: json)
        forPerson.get("corrections", use: corrections)
        forPerson.post("corrections", use: ask)
        routes.post("corrections", ":correctionID", "answer", use: answer)
        forPerson.get("anonymize", use: anonymizeForm)
        forPerson.post("anonymize", use: anonymize)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    @Sendable func json(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let data = try await DataRightsService(req, actor: signedIn.actor).download(try req.id("participantID"))
        let response = Response(status: .ok, body: .init(data: try Self.encoder.encode(data.document)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"my-data.json\"")
        return response
    }

    struct PageBody: Encodable, Sendable {
        let participantID: String
        let data: PersonalData
        let record: SharedRecord
        let generated: String
        /// Times written for people (a page shows no raw timestamps).
        let engagements: [String]
        let appointments: [String]
        let consents: [String]
        let corrections: [String]
        let disclosures: [String]
    }

    @Sendable func page(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let data = try await DataRightsService(req, actor: signedIn.actor).download(id)
        return try await req.page(
            "data-rights/data", titleKey: "data_title",
            PageBody(
                participantID: id.uuidString, data: data, record: data.record,
                generated: req.dateTime(data.generatedAt, organization: signedIn.organization),
                engagements: data.engagements.map {
                    ([req.t("service_" + $0.serviceType), req.t("status_" + $0.status), $0.startDate] + $0.coaches)
                        .filter { !$0.isEmpty }.joined(separator: " · ")
                },
                appointments: data.appointments.map {
                    [
                        req.dateTime($0.startsAt, organization: signedIn.organization),
                        req.t("contact_mode_" + $0.mode), req.t("appointment_status_" + $0.status),
                    ].joined(separator: " · ")
                },
                consents: data.consents.map {
                    [
                        $0.recipient,
                        ConsentController.categoryList(
                            $0.categories.compactMap(ConsentCategory.init(rawValue:)), req: req),
                        req.t("consent_purpose_" + $0.purpose),
                        req.dateTime($0.signedAt, organization: signedIn.organization),
                        $0.revokedAt == nil ? "" : req.t("consent_state_revoked"),
                    ].filter { !$0.isEmpty }.joined(separator: " · ")
                },
                corrections: data.corrections.map {
                    [
                        req.t("correction_section_" + $0.section), req.t("correction_status_" + $0.status), $0.text,
                        $0.response,
                    ].filter { !$0.isEmpty }.joined(separator: " · ")
                },
                disclosures: data.disclosures.map {
                    [
                        req.dateTime($0.at, organization: signedIn.organization), $0.recipient,
                        req.t("disclosure_kind_" + $0.kind),
                        ConsentController.categoryList(
                            $0.categories.compactMap(ConsentCategory.init(rawValue:)), req: req),
                    ].joined(separator: " · ")
                }))
    }

    struct CorrectionRow: Encodable, Sendable {
        let id: String
        let section: String
        let text: String
        let status: String
        let statusKey: String
        let response: String
        let asked: String
        let isOpen: Bool
    }

    struct CorrectionsBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let canAsk: Bool
        let canAnswer: Bool
        let sections: [SelectOption]
        let text: String
        let rows: [CorrectionRow]
        let saved: Bool
    }

    @Sendable func corrections(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        return try await correctionsPage(req: req, signedIn: signedIn, id: try req.id("participantID"))
    }

    func correctionsPage(
        req: Request, signedIn: SignedIn, id: UUID, section: String = "", text: String = "",
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let (participant, relation, rows) = try await CorrectionService(req, actor: signedIn.actor).list(of: id)
        return try await req.page(
            "data-rights/corrections", titleKey: "corrections_title",
            CorrectionsBody(
                participantID: id.uuidString, name: participant.preferredName,
                canAsk: ParticipantAccess.can(signedIn.role, .requestCorrection, relation),
                canAnswer: ParticipantAccess.can(signedIn.role, .answerCorrections, relation),
                sections: [
                    SelectOption(value: "", label: req.t("corrections_choose_section"), selected: section.isEmpty)
                ]
                    + CorrectionRequest.sections.map {
                        SelectOption(value: $0, label: req.t("correction_section_" + $0), selected: section == $0)
                    }, text: text,
                rows: rows.map {
                    CorrectionRow(
                        id: $0.id!.uuidString, section: req.t("correction_section_" + $0.section), text: $0.text,
                        status: req.t("correction_status_" + $0.status.rawValue), statusKey: $0.status.rawValue,
                        response: $0.response,
                        asked: $0.createdAt.map { req.dateTime($0, organization: signedIn.organization) } ?? "",
                        isOpen: $0.status == .open)
                }, saved: req.query[String.self, at: "saved"] != nil),
            errors: errors, status: status)
    }

    struct AskForm: Content {
        var section: String?
        var text: String?
    }

    @Sendable func ask(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(AskForm.self)) ?? AskForm()
        do {
            _ = try await CorrectionService(req, actor: signedIn.actor).ask(
                id, section: form.section ?? "", text: form.text ?? "")
            return .redirect("/participants/\(id)/corrections?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await correctionsPage(
                req: req, signedIn: signedIn, id: id, section: form.section ?? "", text: form.text ?? "",
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct AnswerForm: Content {
        var status: String?
        var response: String?
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let form = (try? req.content.decode(AnswerForm.self)) ?? AnswerForm()
        let service = CorrectionService(req, actor: signedIn.actor)
        do {
            let request = try await service.answer(
                try req.id("correctionID"), status: form.status ?? "", response: form.response ?? "")
            return .redirect("/participants/\(request.participantID)/corrections?saved=1")
        } catch ServiceError.invalid(let problems) {
            let participantID = try await service.participant(ofRequest: try req.id("correctionID"))
            return try await correctionsPage(
                req: req, signedIn: signedIn, id: participantID, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
    }

    struct AnonymizeBody: Encodable, Sendable {
        let id: String
        let name: String
    }

    @Sendable func anonymizeForm(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let (participant, _) = try await ParticipantService(req, actor: signedIn.actor).authorized(id, .anonymize)
        return try await req.page(
            "data-rights/anonymize", titleKey: "anonymize_title",
            AnonymizeBody(id: id.uuidString, name: participant.preferredName))
    }

    @Sendable func anonymize(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let service = DataRightsService(req, actor: signedIn.actor)
        let (participant, _) = try await service.people.authorized(id, .anonymize)
        guard (try? req.content.decode(ParticipantController.DeleteForm.self))?.confirm == "yes" else {
            return try await req.page(
                "data-rights/anonymize", titleKey: "anonymize_title",
                AnonymizeBody(id: id.uuidString, name: participant.preferredName),
                errors: [FieldError(field: "confirm", message: req.t("error_confirm_anonymize"))],
                status: .unprocessableEntity)
        }
        try await service.anonymize(id)
        return .redirect("/participants/\(id)?saved=1")
    }
}
