import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Crisis alerts and "I need help now" in the API, over the same service as the pages.
extension APIHandler {
    func listAlerts(_ input: Operations.listAlerts.Input) async throws -> Operations.listAlerts.Output {
        try await api { req, actor in
            let (open, acknowledged) = try await SafetyService(req, actor: actor).alerts()
            return .ok(
                .init(body: .json(.init(open: open.map(Self.alert), acknowledged: acknowledged.map(Self.alert)))))
        }
    }

    func acknowledgeAlert(_ input: Operations.acknowledgeAlert.Input) async throws
        -> Operations.acknowledgeAlert.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = SafetyService(req, actor: actor)
            let alert = try await service.acknowledge(
                try Self.uuid(input.path.alertId, "alertId"), note: body.note ?? "")
            let name = try await service.scope.participant(alert.participantID)?.preferredName ?? ""
            return .ok(.init(body: .json(Self.alert(.init(alert: alert, name: name)))))
        }
    }

    func requestHelpNow(_ input: Operations.requestHelpNow.Input) async throws -> Operations.requestHelpNow.Output {
        try await api { req, actor in
            let service = SafetyService(req, actor: actor)
            let id = try Self.uuid(input.path.participantId, "participantId")
            let alert = try await service.helpNow(id)
            return .created(
                .init(
                    body: .json(
                        .init(
                            alertId: alert.id!.uuidString, crisisLine: actor.organization.crisisLine,
                            crisisText: actor.organization.crisisText, emergencyNumber: "911",
                            coaches: try await service.coachContacts(of: id).map {
                                .init(name: $0.name, email: $0.email)
                            }))))
        }
    }

    static func alert(_ item: SafetyService.OpenAlert) -> Components.Schemas.Alert {
        .init(
            id: item.alert.id!.uuidString, participantId: item.alert.participantID.uuidString,
            participantName: item.name, source: .init(rawValue: item.alert.source.rawValue) ?? .help_button,
            raisedAt: item.alert.createdAt, acknowledgedAt: item.alert.acknowledgedAt,
            acknowledgedBy: item.alert.acknowledgedAt == nil ? nil : item.alert.acknowledgedName,
            note: item.alert.acknowledgedAt == nil ? nil : item.alert.note)
    }
}
