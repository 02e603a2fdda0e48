import Fluent
import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Consents, disclosures and the person's data export in the API, over the same services as
/// the pages.
extension APIHandler {
    func listConsents(_ input: Operations.listConsents.Input) async throws -> Operations.listConsents.Output {
        try await api { req, actor in
            let service = ConsentService(req, actor: actor)
            let overview = try await service.overview(of: try Self.uuid(input.path.participantId, "participantId"))
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: overview.consents.map {
                                Self.consent($0, ended: overview.endedEngagements, today: service.today)
                            }))))
        }
    }

    func createConsent(_ input: Operations.createConsent.Input) async throws -> Operations.createConsent.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let draft = ConsentService.Draft(
                recipientKind: body.recipientKind.rawValue, recipientEmail: body.recipientEmail ?? "",
                recipientName: body.recipientName ?? "", categories: body.categories.map(\.rawValue),
                purpose: body.purpose.rawValue, purposeNote: body.purposeNote ?? "", expiryKind: body.expiry.rawValue,
                expiresOn: body.expiresOn ?? "", typedName: body.typedName)
            let service = ConsentService(req, actor: actor)
            let consent = try await service.create(
                try Self.uuid(input.path.participantId, "participantId"), draft)
            return .created(.init(body: .json(Self.consent(consent, ended: [], today: service.today))))
        }
    }

    func getConsent(_ input: Operations.getConsent.Input) async throws -> Operations.getConsent.Output {
        try await api { req, actor in
            let service = ConsentService(req, actor: actor)
            let (consent, participant, _) = try await service.consent(
                try Self.uuid(input.path.consentId, "consentId"))
            let ended = try await service.endedEngagements(of: participant.id!)
            return .ok(.init(body: .json(Self.consent(consent, ended: ended, today: service.today))))
        }
    }

    func revokeConsent(_ input: Operations.revokeConsent.Input) async throws -> Operations.revokeConsent.Output {
        try await api { req, actor in
            let service = ConsentService(req, actor: actor)
            let consent = try await service.revoke(try Self.uuid(input.path.consentId, "consentId"))
            return .ok(.init(body: .json(Self.consent(consent, ended: [], today: service.today))))
        }
    }

    func discloseUnderConsent(_ input: Operations.discloseUnderConsent.Input) async throws
        -> Operations.discloseUnderConsent.Output
    {
        try await api { req, actor in
            let (consent, view) = try await DisclosureService(req, actor: actor).export(
                try Self.uuid(input.path.consentId, "consentId"))
            return .ok(.init(body: .json(try Self.disclosed(view, recipient: consent.recipientName))))
        }
    }

    func viewSharedRecord(_ input: Operations.viewSharedRecord.Input) async throws
        -> Operations.viewSharedRecord.Output
    {
        try await api { req, actor in
            let view = try await DisclosureService(req, actor: actor).view(
                try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .json(try Self.disclosed(view, recipient: actor.user.displayName))))
        }
    }

    func listDisclosures(_ input: Operations.listDisclosures.Input) async throws -> Operations.listDisclosures.Output {
        try await api { req, actor in
            let (_, rows) = try await ConsentService(req, actor: actor).disclosures(
                of: try Self.uuid(input.path.participantId, "participantId"))
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: rows.map {
                                .init(
                                    id: $0.id!.uuidString, consentId: $0.consentID?.uuidString, at: $0.createdAt,
                                    kind: .init(rawValue: $0.kind.rawValue) ?? .view, recipientName: $0.recipientName,
                                    categories: $0.categories.compactMap { .init(rawValue: $0.rawValue) },
                                    purpose: .init(rawValue: $0.purpose) ?? .other)
                            }))))
        }
    }

    func exportPersonalData(_ input: Operations.exportPersonalData.Input) async throws
        -> Operations.exportPersonalData.Output
    {
        try await api { req, actor in
            let data = try await DataRightsService(req, actor: actor).download(
                try Self.uuid(input.path.participantId, "participantId"))
            let json = try DataRightsController.encoder.encode(data.document)
            return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.PersonalData.self, from: json))))
        }
    }

    static func consent(_ consent: ConsentRecord, ended: Set<UUID>, today: CalendarDate) -> Components.Schemas.Consent {
        .init(
            id: consent.id!.uuidString, participantId: consent.participantID.uuidString,
            recipientKind: .init(rawValue: consent.recipientKind.rawValue) ?? .person,
            recipientUserId: consent.recipientUserID?.uuidString, recipientName: consent.recipientName,
            categories: consent.categories.compactMap { .init(rawValue: $0.rawValue) },
            purpose: .init(rawValue: consent.purpose) ?? .other, purposeNote: consent.purposeNote,
            expiresOn: consent.expiresOn.isEmpty ? nil : consent.expiresOn,
            untilEngagementEnd: consent.expiresOn.isEmpty, signedName: consent.signedName, signedAt: consent.signedAt,
            inPerson: consent.inPerson, revokedAt: consent.revokedAt,
            state: .init(rawValue: consent.state(endedEngagements: ended, today: today)) ?? .no_consent)
    }

    static func disclosed(_ view: DisclosureService.View, recipient: String) throws
        -> Components.Schemas.DisclosedRecords
    {
        var record = view.record
        record.pageHints = false
        let json = try DataRightsController.encoder.encode(record)
        return .init(
            notice: ConsentRules.notice, participantId: view.participant.id!.uuidString,
            name: view.participant.preferredName, recipient: recipient,
            categories: record.categories.compactMap { .init(rawValue: $0) },
            record: try JSONDecoder().decode(Components.Schemas.DisclosedRecords.recordPayload.self, from: json))
    }
}
