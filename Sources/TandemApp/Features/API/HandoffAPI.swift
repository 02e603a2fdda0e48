import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Hand-offs from treatment centers in the API, over the same service as the pages.
extension APIHandler {
    func listHandoffs(_ input: Operations.listHandoffs.Input) async throws -> Operations.listHandoffs.Output {
        try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoffs = try await service.list()
            let sharing = try await service.statusShared(handoffs)
            var items: [Schemas.Handoff] = []
            for handoff in handoffs {
                items.append(
                    try await Self.handoff(
                        handoff, service: service, withContacts: false, shared: sharing[handoff.id!] ?? false))
            }
            return .ok(.init(body: .json(.init(items: items))))
        }
    }

    func referHandoff(_ input: Operations.referHandoff.Input) async throws -> Operations.referHandoff.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoff = try await service.refer(
                HandoffReferral(
                    preferredName: body.preferredName, phone: body.phone ?? "", email: body.email ?? "",
                    language: body.language?.rawValue ?? "en", dischargeDate: body.dischargeDate,
                    serviceType: body.serviceType.rawValue, notes: body.notes ?? "",
                    treatmentCenter: body.treatmentCenter, statusConsent: body.statusConsent,
                    consentSignedName: body.consentSignedName ?? ""))
            return .created(.init(body: .json(try await Self.handoff(handoff, service: service))))
        }
    }

    func getHandoff(_ input: Operations.getHandoff.Input) async throws -> Operations.getHandoff.Output {
        try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoff = try await service.handoff(try Self.uuid(input.path.handoffId, "handoffId"))
            return .ok(.init(body: .json(try await Self.handoff(handoff, service: service))))
        }
    }

    func acceptHandoff(_ input: Operations.acceptHandoff.Input) async throws -> Operations.acceptHandoff.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoff = try await service.accept(
                try Self.uuid(input.path.handoffId, "handoffId"),
                HandoffService.Acceptance(
                    coachID: body.coachId, funding: body.funding.rawValue,
                    call: AppointmentDraft(
                        date: body.callDate, start: body.callStart, end: body.callEnd, mode: body.callMode.rawValue,
                        videoLink: body.callLink ?? "")))
            return .ok(.init(body: .json(try await Self.handoff(handoff, service: service))))
        }
    }

    func declineHandoff(_ input: Operations.declineHandoff.Input) async throws -> Operations.declineHandoff.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoff = try await service.decline(
                try Self.uuid(input.path.handoffId, "handoffId"), reason: body.reason)
            return .ok(.init(body: .json(try await Self.handoff(handoff, service: service))))
        }
    }

    func withdrawHandoff(_ input: Operations.withdrawHandoff.Input) async throws -> Operations.withdrawHandoff.Output {
        try await api { req, actor in
            let service = HandoffService(req, actor: actor)
            let handoff = try await service.withdraw(try Self.uuid(input.path.handoffId, "handoffId"))
            return .ok(.init(body: .json(try await Self.handoff(handoff, service: service))))
        }
    }

    /// A hand-off as the caller may see it: the liaison never gets the participant's ids, and
    /// the status, the reason and the contacts only while shared with them.
    static func handoff(
        _ handoff: Handoff, service: HandoffService, withContacts: Bool = true, shared known: Bool? = nil
    ) async throws -> Schemas.Handoff {
        let shared: Bool
        if let known { shared = known } else { shared = try await service.statusShared(handoff) }
        let isPartner = handoff.partnerUserID == service.actor.userID
        var contacts: [Schemas.HandoffContact] = []
        if shared, withContacts, handoff.status == .accepted {
            contacts = try await service.contacts(of: handoff).map { contact in
                Schemas.HandoffContact(
                    kind: .init(rawValue: contact.kind) ?? .aftercare, sequence: contact.sequence,
                    opensOn: contact.opensOn, dueOn: contact.dueOn,
                    timing: .init(rawValue: contact.timing(today: service.today, in: service.timeZone).rawValue)
                        ?? .upcoming,
                    completedAt: contact.completedAt)
            }
        }
        return Schemas.Handoff(
            id: handoff.id!.uuidString, treatmentCenter: handoff.treatmentCenter, preferredName: handoff.preferredName,
            phone: handoff.phone, email: handoff.email, language: handoff.language, dischargeDate: handoff.dischargeOn,
            serviceType: .init(rawValue: handoff.serviceType) ?? .virtual_coaching, notes: handoff.notes,
            // A liaison's own withdrawal reads the same whether or not a decision came first.
            statusConsent: handoff.statusConsent,
            statusShared: shared || HandoffService.shownStatus(handoff, shared: shared) == .withdrawn,
            status: HandoffService.shownStatus(handoff, shared: shared).flatMap { .init(rawValue: $0.rawValue) },
            declineReason: shared && handoff.status == .declined ? handoff.declineReason : nil,
            participantId: isPartner ? nil : handoff.participantID?.uuidString,
            appointmentId: isPartner ? nil : handoff.appointmentID?.uuidString, createdAt: handoff.createdAt,
            contacts: contacts)
    }
}
