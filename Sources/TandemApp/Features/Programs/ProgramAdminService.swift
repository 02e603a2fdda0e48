import Fluent
import Foundation
import TandemKit
import Vapor

/// What admins do with their organization's programs: write and publish them, see who
/// enrolled, record a payment or a sponsorship, and give a coach to whoever asked.
struct ProgramAdminService {
    let req: Request
    let actor: Actor

    init(_ req: Request, actor: Actor) throws {
        guard AccessPolicy.can(actor.role, .managePrograms) else { throw ServiceError.denied }
        self.req = req
        self.actor = actor
    }

    func list() async throws -> [Program] {
        try await Program.query(on: req.db).filter(\.$organizationID == actor.organizationID).sort(\.$title).all()
    }

    func program(_ id: UUID) async throws -> Program {
        guard
            let program = try await Program.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return program
    }

    /// Creates a program (`id` nil) or changes one. A price change applies to new
    /// enrollments; each enrollment keeps the price its person accepted.
    func save(_ id: UUID?, _ draft: ProgramDraft, now: Date = Date()) async throws -> Program {
        let draft = draft.normalized()
        let problems = draft.problems()
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let existing = try await id.asyncMap { try await self.program($0) }
        let program = existing ?? Program(organizationID: actor.organizationID, at: now)
        program.apply(draft, at: now)
        try await program.save(on: req.db)
        try await req.audit(
            id == nil ? "program.create" : "program.update", actor: actor.userID, organization: actor.organizationID,
            subjectType: "program", subject: program.id)
        return program
    }

    struct Enrolled: Sendable {
        let enrollment: ProgramEnrollment
        let name: String
    }

    /// The people enrolled in a program, newest first. Audited as a look at each of them.
    func enrollments(of programID: UUID) async throws -> [Enrolled] {
        _ = try await program(programID)
        let rows = try await ProgramEnrollment.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$programID == programID).sort(\.$createdAt, .descending).limit(1000).all()
        guard !rows.isEmpty else { return [] }
        let names = Dictionary(
            uniqueKeysWithValues: try await Participant.query(on: req.db)
                .filter(\.$organization.$id == actor.organizationID).filter(\.$id ~~ rows.map(\.participantID)).all()
                .map { ($0.id!, $0.preferredName) })
        try await req.audit(
            "program.enrollments", actor: actor.userID, organization: actor.organizationID, subjectType: "program",
            subject: programID)
        return rows.map { Enrolled(enrollment: $0, name: names[$0.participantID] ?? "") }
    }

    private func enrollment(_ id: UUID) async throws -> ProgramEnrollment {
        guard
            let enrollment = try await ProgramEnrollment.query(on: req.db)
                .filter(\.$organizationID == actor.organizationID).filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return enrollment
    }

    /// Records how a fee was settled: paid (with a note such as a receipt number) or sponsored.
    func recordPayment(_ id: UUID, as raw: String, note: String, now: Date = Date()) async throws -> ProgramEnrollment {
        let enrollment = try await enrollment(id)
        guard enrollment.payment != .free else { throw ServiceError.conflict("error_program_free") }
        guard let payment = ProgramPayment(rawValue: raw), payment == .paid || payment == .sponsored else {
            throw ServiceError.invalid([("payment", "error_choose_one")])
        }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 200 { throw ServiceError.invalid([("payment_note", "error_text_too_long")]) }
        if note.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            throw ServiceError.invalid([("payment_note", "error_text_invalid")])
        }
        enrollment.payment = payment
        enrollment.paymentNote = note
        enrollment.paymentRecordedBy = actor.userID
        enrollment.paymentRecordedAt = now
        try await enrollment.save(on: req.db)
        try await req.audit(
            "program.payment", actor: actor.userID, organization: actor.organizationID,
            subjectType: "program_enrollment", subject: enrollment.id, participant: enrollment.participantID)
        return enrollment
    }

    /// Gives the person a coach: an active phone or virtual coaching engagement, funded as
    /// the admin says. Through the engagement service, which checks and audits it.
    func assignCoach(_ id: UUID, coachID: String, funding: String) async throws -> Engagement {
        let enrollment = try await enrollment(id)
        guard enrollment.engagementID == nil else { throw ServiceError.conflict("error_program_coached") }
        let engagement = try await EngagementService(req, actor: actor).open(
            for: enrollment.participantID,
            EngagementService.Terms(
                serviceType: ServiceType.virtualCoaching.rawValue, referralSource: ReferralSource.`self`.rawValue,
                funding: funding, primaryCoachID: coachID))
        enrollment.engagementID = engagement.id
        try await enrollment.save(on: req.db)
        return engagement
    }
}
