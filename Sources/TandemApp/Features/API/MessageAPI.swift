import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Secure messages in the API, over the same service as the pages. Phones retry, so a send
/// may carry an `Idempotency-Key`.
extension APIHandler {
    func listThreads(_ input: Operations.listThreads.Input) async throws -> Operations.listThreads.Output {
        try await api { req, actor in
            let threads = try await MessageService(req, actor: actor).threads()
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: threads.map {
                                .init(
                                    engagementId: $0.engagement.id!.uuidString,
                                    participantId: $0.engagement.$participant.id.uuidString,
                                    participantName: $0.participantName,
                                    serviceType: .init(rawValue: $0.engagement.serviceType.rawValue)
                                        ?? .recovery_coaching, lastMessageAt: $0.lastAt, unread: $0.unread)
                            }))))
        }
    }

    func listMessages(_ input: Operations.listMessages.Input) async throws -> Operations.listMessages.Output {
        try await api { req, actor in
            let opened = try await MessageService(req, actor: actor).open(
                try Self.uuid(input.path.engagementId, "engagementId"))
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: opened.messages.map { Self.message($0, actor: actor, raised: nil) },
                            othersReadAt: opened.othersReadAt))))
        }
    }

    func sendMessage(_ input: Operations.sendMessage.Input) async throws -> Operations.sendMessage.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let engagementID = try Self.uuid(input.path.engagementId, "engagementId")
            let service = MessageService(req, actor: actor)
            let kept = try await Idempotency(req: req, userID: actor.userID).run(
                key: input.headers.Idempotency_hyphen_Key, operation: "sendMessage:\(engagementID)", body: body,
                make: {
                    let (message, raised) = try await service.send(engagementID, body: body.body)
                    return (message.id!, Self.message(message, actor: actor, raised: raised))
                },
                read: { Self.message(try await service.message($0, in: engagementID), actor: actor, raised: nil) })
            return .created(.init(body: .json(kept)))
        }
    }

    static func message(_ message: Message, actor: Actor, raised: Bool?) -> Schemas.Message {
        .init(
            id: message.id!.uuidString, engagementId: message.engagementID.uuidString,
            senderId: message.senderID.uuidString, senderName: message.senderName, body: message.body,
            sentAt: message.createdAt, mine: message.senderID == actor.userID, crisisAlertRaised: raised)
    }
}
