import Fluent
import Foundation
import TandemKit
import Vapor

/// Joining a program from its page while signed in, whichever organization the person works
/// in now. Someone who already has a sign-in (a participant of another organization, a person
/// coming back months after a relapse) joins with it, rather than being asked for a second
/// account under another address.
extension ProgramService {
    /// Where a signed-in person stands with a program's organization.
    enum Standing {
        /// A participant there, with their record and whether they are enrolled already.
        case participant(Participant, enrolled: Bool)
        /// Not a member there: joining makes them a participant of it.
        case newcomer
        /// Staff, family or a partner there: a second role in one organization is not possible,
        /// and a participant's record is not theirs to make.
        case otherRole
    }

    func standing(in program: Program, userID: UUID) async throws -> Standing {
        guard
            let membership = try await Membership.query(on: req.db).filter(\.$user.$id == userID)
                .filter(\.$organization.$id == program.organizationID).first()
        else { return .newcomer }
        guard membership.role == .participant,
            let participant = try await Participant.query(on: req.db)
                .filter(\.$organization.$id == program.organizationID).filter(\.$user.$id == userID).first()
        else { return .otherRole }
        return .participant(participant, enrolled: try await enrollment(program.id!, participant.id!) != nil)
    }

    /// Enrolls the signed-in `user`. A participant of the program's organization enrolls with
    /// their record; a newcomer becomes its participant (their sign-in's name, address and
    /// language go to the new record, as the page says) and is enrolled, in one transaction,
    /// the terms accepted now. The caller moves the session to the program's organization.
    func join(_ programID: UUID, user: User, acceptsTerms: Bool, now: Date = Date()) async throws -> Program {
        let program = try await Self.published(programID, on: req.db).program
        switch try await standing(in: program, userID: user.id!) {
        case .otherRole:
            throw ServiceError.denied
        case .participant(let participant, _):
            try await enroll(participant, in: program, by: user.id!, acceptsTerms: acceptsTerms, now: now)
        case .newcomer:
            guard acceptsTerms else { throw ServiceError.invalid([("accept_terms", "error_program_accept_terms")]) }
            let participant: Participant
            do {
                participant = try await req.db.transaction { db in
                    try await Self.addParticipant(
                        program, user: user, name: user.displayName, language: Language(rawValue: user.language) ?? .en,
                        termsAcceptedAt: now, enrolledAt: now, chosenAt: now, on: db)
                }
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // The same person's other request (a second press) joined a moment ago.
                guard case .participant = try await standing(in: program, userID: user.id!) else {
                    throw ServiceError.conflict("error_program_join_again")
                }
                return program
            }
            try await req.audit(
                "program.enroll", actor: user.id, organization: program.organizationID, subjectType: "program",
                subject: program.id, participant: participant.id)
        }
        return program
    }
}
