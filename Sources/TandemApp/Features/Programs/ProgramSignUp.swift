import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// A sign-up from a program's public page waiting for its address to be confirmed. When
/// Tandem sends e-mail, the public form answers the same whether or not the address already
/// has a sign-in here, and the difference goes to the mailbox: a new address gets a link to a
/// page where the person chooses their password and joins; one with a sign-in is asked to sign
/// in and join. Whether someone has an account with a recovery organization is theirs to tell,
/// not a form's. The password is never taken on the public form: whoever sent it need not own
/// the address, and the sign-in must belong to whoever does.
final class ProgramSignUp: Model, @unchecked Sendable {
    static let schema = "program_sign_ups"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "program_id") var programID: UUID
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "language") var language: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

extension ProgramService {
    /// How long a sign-up's link works.
    static let signUpHours = 72

    /// Mails the next step of a sign-up whose form was valid: the link that finishes it to a new
    /// address, a note to sign in and join to one that has a sign-in. Both write the same rows
    /// (a sign-up, spent at once for an address with a sign-in, and a message), so the time
    /// taken does not tell them apart either. At most one message an hour per program and
    /// address, so the form cannot flood a mailbox.
    func mailSignUp(_ listed: Listed, name: String, email: String, language: Language, hasSignIn: Bool, now: Date)
        async throws
    {
        let program = listed.program
        try await PublicMailAllowance.spend(req, now: now)
        let token = SecureToken.generate()
        let signUp = ProgramSignUp()
        signUp.tokenHash = SecureToken.hash(token)
        signUp.organizationID = program.organizationID
        signUp.programID = program.id!
        signUp.email = email
        signUp.name = name
        signUp.language = language.rawValue
        signUp.expiresAt = now.addingTimeInterval(Double(Self.signUpHours) * 3600)
        signUp.usedAt = hasSignIn ? now : nil
        signUp.createdAt = now
        try await signUp.create(on: req.db)
        var values = ["program": program.title, "organization": listed.organizationName, "name": firstName(name)]
        values["link"] = Mail.publicLink(
            req.application, hasSignIn ? "/programs/\(program.id!.uuidString)" : "/join/\(token)")
        values["hours"] = String(Self.signUpHours)
        let kind = hasSignIn ? "email_program_has_sign_in" : "email_program_sign_up"
        let queued = try await Mail.queue(
            req.application, on: req.db, organizationID: program.organizationID, to: email, language: language,
            subjectKey: kind + "_subject", bodyKey: kind + "_body", values: values, kind: "program_sign_up",
            dedupeKey: "program-sign-up:\(program.id!.uuidString):\(email):\(Int(now.timeIntervalSince1970 / 3600))",
            expiresAt: signUp.expiresAt, now: now)
        // A link that will never be sent is not kept; the one sent earlier this hour still works.
        if !queued { try await signUp.delete(on: req.db) }
    }

    /// A sign-up whose link still works, with its program; nil for an unknown, used or lapsed
    /// one, or one whose program is no longer published.
    func signUp(token: String, now: Date = Date()) async throws -> (ProgramSignUp, Listed)? {
        guard let signUp = try await storedSignUp(token: token), signUp.usedAt == nil, signUp.expiresAt > now,
            let listed = try? await Self.published(signUp.programID, on: req.db)
        else { return nil }
        return (signUp, listed)
    }

    /// The program whose sign-up link `signedIn` already used to join, for a second press of
    /// its button; nil for anyone else, or a link not used.
    func programJoined(token: String, by signedIn: SignedIn) async throws -> UUID? {
        guard let signUp = try await storedSignUp(token: token), signUp.usedAt != nil,
            signUp.email == signedIn.user.email, signUp.organizationID == signedIn.organizationID
        else { return nil }
        return signUp.programID
    }

    /// The sign-up a link names, used or not.
    private func storedSignUp(token: String) async throws -> ProgramSignUp? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await ProgramSignUp.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(token)).first()
    }

    /// Why a sign-up's link cannot finish it.
    enum SignUpProblem: Error {
        /// Unknown, used, lapsed, or its program is no longer published.
        case gone
        /// The address got a sign-in here since the form was sent.
        case hasSignIn
    }

    /// Finishes a sign-up from its link with the password chosen there: spends the link and
    /// makes the sign-in, the person's record and the enrollment, all in one transaction; the
    /// link works once even when its button is pressed twice at the same moment. The terms are
    /// accepted now, on the page that showed them as they stand, with the price.
    /// `signUp` and `listed` come from `signUp(token:)`; whether the link is still unspent is
    /// decided again inside the transaction.
    func finishSignUp(_ signUp: ProgramSignUp, of listed: Listed, password: String, now: Date = Date())
        async throws -> (User, Program)
    {
        if let key = AccountService.passwordProblem(password, email: signUp.email) {
            throw ServiceError.invalid([("password", key)])
        }
        let hash = try await req.password.async.hash(PasswordDigest.prepare(password))
        let program = listed.program
        let made: (User, Participant)
        do {
            made = try await req.db.transaction { db in
                // Spent, and the name it carried let go: the record keeps it now.
                guard let sql = db as? any SQLDatabase,
                    !(try await sql.raw(
                        """
                        UPDATE program_sign_ups SET used_at = \(bind: now), name = '' WHERE id = \(bind: signUp.id!) \
                        AND used_at IS NULL RETURNING id
                        """
                    ).all()).isEmpty
                else { throw SignUpProblem.gone }
                if try await User.query(on: db).filter(\.$email == signUp.email).first() != nil {
                    throw SignUpProblem.hasSignIn
                }
                return try await Self.makeParticipant(
                    program, name: signUp.name, email: signUp.email, passwordHash: hash,
                    language: Language(rawValue: signUp.language) ?? .en, termsAcceptedAt: now, enrolledAt: now, on: db)
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

    /// Sign-ups whose link lapsed are removed a day later, with what the person gave.
    static func purgeLapsedSignUps(on db: any Database, now: Date = Date()) async throws {
        try await ProgramSignUp.query(on: db).filter(\.$expiresAt < now.addingTimeInterval(-86_400)).delete()
    }
}
