import Fluent
import Foundation
import TandemKit
import Vapor

/// Requests for correction: the person asks, naming the part of the record and what is
/// wrong; their coach (or a supervisor or admin) answers that it was corrected or why not.
/// Every request and answer is audited for the person.
struct CorrectionService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    func list(of participantID: UUID) async throws -> (Participant, ParticipantRelation, [CorrectionRequest]) {
        let (participant, relation) = try await people.authorized(participantID, .view)
        guard
            ParticipantAccess.can(actor.role, .requestCorrection, relation)
                || ParticipantAccess.can(actor.role, .answerCorrections, relation)
        else { throw ServiceError.denied }
        let rows = try await requests(of: participantID)
        try await people.audit("correction.list", participant: participantID)
        return (participant, relation, rows)
    }

    func requests(of participantID: UUID) async throws -> [CorrectionRequest] {
        try await CorrectionRequest.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$createdAt, .descending).all()
    }

    func ask(_ participantID: UUID, section: String, text: String) async throws -> CorrectionRequest {
        _ = try await people.authorized(participantID, .requestCorrection)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [(field: String, key: String)] = []
        if !CorrectionRequest.sections.contains(section) { problems.append(("section", "error_choose_one")) }
        if trimmed.isEmpty {
            problems.append(("text", "error_correction_text"))
        } else if trimmed.unicodeScalars.count > CorrectionRequest.textLimit {
            problems.append(("text", "error_text_too_long"))
        } else if trimmed.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            problems.append(("text", "error_text_invalid"))
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let request = CorrectionRequest()
        request.organizationID = actor.organizationID
        request.participantID = participantID
        request.section = section
        request.text = trimmed
        request.status = .open
        request.response = ""
        request.createdBy = actor.userID
        try await request.create(on: req.db)
        try await people.audit(
            "correction.create", participant: participantID, subjectType: "correction", subject: request.id)
        return request
    }

    private func find(_ id: UUID) async throws -> CorrectionRequest {
        guard
            let request = try await CorrectionRequest.query(on: req.db).filter(
                \.$organizationID == actor.organizationID
            )
            .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return request
    }

    /// Whose record a request is about (its page shows the request again after an error).
    func participant(ofRequest id: UUID) async throws -> UUID { try await find(id).participantID }

    /// Answers an open request; a second answer to the same request is refused.
    func answer(_ id: UUID, status: String, response: String, now: Date = Date()) async throws -> CorrectionRequest {
        let request = try await find(id)
        _ = try await people.authorized(request.participantID, .answerCorrections)
        let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [(field: String, key: String)] = []
        let outcome = CorrectionRequest.Status(rawValue: status)
        if outcome == nil || outcome == .open { problems.append(("status", "error_choose_one")) }
        if outcome == .declined && trimmed.isEmpty { problems.append(("response", "error_correction_reason")) }
        if trimmed.unicodeScalars.count > CorrectionRequest.textLimit {
            problems.append(("response", "error_text_too_long"))
        } else if trimmed.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            problems.append(("response", "error_text_invalid"))
        }
        guard problems.isEmpty, let outcome else { throw ServiceError.invalid(problems) }
        guard request.status == .open else { throw ServiceError.conflict("error_correction_answered") }
        guard
            try await claimed(
                """
                UPDATE correction_requests SET status = \(bind: outcome.rawValue), response = \(bind: trimmed), \
                answered_by = \(bind: actor.userID), answered_at = \(bind: now) \
                WHERE id = \(bind: id) AND status = 'open' RETURNING id
                """, on: req.db)
        else { throw ServiceError.conflict("error_correction_answered") }
        request.status = outcome
        request.response = trimmed
        request.answeredBy = actor.userID
        request.answeredAt = now
        try await people.audit(
            "correction.answer", participant: request.participantID, subjectType: "correction", subject: id)
        return request
    }

    /// Open requests of the people the actor coaches (everyone's, for supervisors and admins).
    func open() async throws -> [(CorrectionRequest, String)] {
        let rows = try await CorrectionRequest.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$status == .open).sort(\.$createdAt).limit(200).all()
        var found: [(CorrectionRequest, String)] = []
        for row in rows {
            guard let (participant, relation) = try await scope.participantAndRelation(row.participantID),
                ParticipantAccess.can(actor.role, .answerCorrections, relation)
            else { continue }
            found.append((row, participant.preferredName))
        }
        return found
    }
}
