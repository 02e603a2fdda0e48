import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// A sign-up from a program's public page waiting for its address to be confirmed. When
/// Tandem sends e-mail, the public form answers the same whether or not the address already
/// has a sign-in here, and the difference goes to the mailbox: a new address gets a link that
/// makes the sign-in, one with a sign-in is asked to sign in and join. Whether someone has an
/// account with a recovery organization is theirs to tell, not a form's.
final class ProgramSignUp: Model, @unchecked Sendable {
    static let schema = "program_sign_ups"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "program_id") var programID: UUID
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "language") var language: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// When the person accepted the program's terms, on the form.
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

extension ProgramService {
    /// How long a sign-up's link works.
    static let signUpHours = 72

    /// Mails the next step of a sign-up whose form was valid: the link that finishes it to a new
    /// address, a note to sign in and join to one that has a sign-in. At most one message an
    /// hour per program and address, so the form cannot be used to flood a mailbox.
    func mailSignUp(
        _ listed: Listed, name: String, email: String, language: Language, passwordHash: String, hasSignIn: Bool,
        now: Date
    ) async throws {
        let program = listed.program
        let dedupeKey = "program-sign-up:\(program.id!.uuidString):\(email):\(Int(now.timeIntervalSince1970 / 3600))"
        let expires = now.addingTimeInterval(Double(Self.signUpHours) * 3600)
        var values = ["program": program.title, "organization": listed.organizationName, "name": firstName(name)]
        if hasSignIn {
            values["link"] = req.absoluteURL("/programs/\(program.id!.uuidString)")
            try await Mail.queue(
                req.application, on: req.db, organizationID: program.organizationID, to: email, language: language,
                subjectKey: "email_program_has_sign_in_subject", bodyKey: "email_program_has_sign_in_body",
                values: values, kind: "program_sign_up", dedupeKey: dedupeKey, expiresAt: expires, now: now)
            return
        }
        let token = SecureToken.generate()
        let signUp = ProgramSignUp()
        signUp.tokenHash = SecureToken.hash(token)
        signUp.organizationID = program.organizationID
        signUp.programID = program.id!
        signUp.email = email
        signUp.name = name
        signUp.language = language.rawValue
        signUp.passwordHash = passwordHash
        signUp.expiresAt = expires
        signUp.createdAt = now
        try await signUp.create(on: req.db)
        values["link"] = req.absoluteURL("/join/\(token)")
        values["hours"] = String(Self.signUpHours)
        let queued = try await Mail.queue(
            req.application, on: req.db, organizationID: program.organizationID, to: email, language: language,
            subjectKey: "email_program_sign_up_subject", bodyKey: "email_program_sign_up_body", values: values,
            kind: "program_sign_up", dedupeKey: dedupeKey, expiresAt: expires, now: now)
        // A link that will never be sent is not kept; the one sent earlier this hour still works.
        if !queued { try await signUp.delete(on: req.db) }
    }

    /// A sign-up whose link still works; nil for an unknown, used or lapsed one.
    func signUp(token: String, now: Date = Date()) async throws -> (ProgramSignUp, Listed)? {
        guard token.count >= 20, token.count <= 100,
            let signUp = try await ProgramSignUp.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(token))
                .first(),
            signUp.usedAt == nil, signUp.expiresAt > now,
            let listed = try? await Self.published(signUp.programID, on: req.db)
        else { return nil }
        return (signUp, listed)
    }

    /// Why a sign-up's link cannot finish it.
    enum SignUpProblem: Error {
        /// Unknown, used, lapsed, or its program is no longer published.
        case gone
        /// The address got a sign-in here since the form was sent.
        case hasSignIn
    }

    /// Finishes a sign-up from its link: spends the link and makes the sign-in, the person's
    /// record and the enrollment, all in one transaction; the link works once even when opened
    /// twice at the same moment.
    func finishSignUp(token: String, now: Date = Date()) async throws -> (User, Program) {
        guard let (signUp, listed) = try await signUp(token: token, now: now) else { throw SignUpProblem.gone }
        let program = listed.program
        let made: (User, Participant)
        do {
            made = try await req.db.transaction { db in
                guard let sql = db as? any SQLDatabase,
                    !(try await sql.raw(
                        """
                        UPDATE program_sign_ups SET used_at = \(bind: now) WHERE id = \(bind: signUp.id!) \
                        AND used_at IS NULL RETURNING id
                        """
                    ).all()).isEmpty
                else { throw SignUpProblem.gone }
                if try await User.query(on: db).filter(\.$email == signUp.email).first() != nil {
                    throw SignUpProblem.hasSignIn
                }
                return try await Self.makeParticipant(
                    program, name: signUp.name, email: signUp.email, passwordHash: signUp.passwordHash,
                    language: Language(rawValue: signUp.language) ?? .en, termsAcceptedAt: signUp.createdAt,
                    enrolledAt: now, on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw SignUpProblem.hasSignIn
        }
        let (user, participant) = made
        try await req.audit(
            "program.enroll", actor: user.id, organization: program.organizationID, subjectType: "program",
            subject: program.id, participant: participant.id)
        return (user, program)
    }

    /// Sign-ups whose link lapsed, with what the person gave, are removed after a day more.
    static func purgeLapsedSignUps(on db: any Database, now: Date = Date()) async throws {
        try await ProgramSignUp.query(on: db).filter(\.$expiresAt < now.addingTimeInterval(-86_400)).delete()
    }
}
