import Fluent
import Foundation
import TandemKit
import Vapor

/// Removing a participant for good (admins), after a confirmation.
extension ParticipantController {

    struct DeleteBody: Encodable, Sendable {
        let id: String
        let name: String
    }

    struct DeleteForm: Content {
        var confirm: String?
    }

    @Sendable func deleteForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let service = ParticipantService(req, actor: actor)
        let (participant, _) = try await service.authorized(id, .delete)
        try await service.audit("participant.view", participant: id)
        return try await req.page(
            "participants/delete", titleKey: "participant_delete_title",
            DeleteBody(id: id.uuidString, name: participant.preferredName))
    }

    @Sendable func delete(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let service = ParticipantService(req, actor: actor)
        let (participant, _) = try await service.authorized(id, .delete)
        guard ((try? req.content.decode(DeleteForm.self))?.confirm ?? "") == "yes" else {
            return try await req.page(
                "participants/delete", titleKey: "participant_delete_title",
                DeleteBody(id: id.uuidString, name: participant.preferredName),
                errors: [FieldError(field: "confirm", message: req.t("error_confirm_delete"))],
                status: .unprocessableEntity)
        }
        try await service.delete(id)
        return .redirect("/participants?deleted=1")
    }
}
