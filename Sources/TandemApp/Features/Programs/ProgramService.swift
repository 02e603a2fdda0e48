import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Online programs: admins publish them and see who enrolled (recording payments, giving a
/// coach to those who ask); anyone may read a published program's page and enroll, making
/// their sign-in as they do; an enrolled person follows the guided start (their plan, the
/// BARC-10) and may ask for a coach. Nobody is asked about their history: someone who
/// relapsed months after treatment is as welcome as anyone. Steps are audited.
struct ProgramService {
    let req: Request

    // MARK: Public

    struct Listed: Sendable {
        let program: Program
        let organizationName: String
    }

    /// The programs a participant joined in their organization, by title.
    static func joined(by participantID: UUID, in organizationID: UUID, on db: any Database) async throws
        -> [Program]
    {
        let ids = try await ProgramEnrollment.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == participantID).all(\.$programID)
        guard !ids.isEmpty else { return [] }
        return try await Program.query(on: db).filter(\.$id ~~ ids).sort(\.$title).all()
    }

    /// Every published program of every organization here, by organization and title.
    static func published(on db: any Database) async throws -> [Listed] {
        let programs = try await Program.query(on: db).filter(\.$published == true).sort(\.$title).limit(500).all()
        let names = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db)
                .filter(\.$id ~~ Set(programs.map(\.organizationID))).all().map { ($0.id!, $0.name) })
        return programs.map { Listed(program: $0, organizationName: names[$0.organizationID] ?? "") }
            .sorted { ($0.organizationName, $0.program.title) < ($1.organizationName, $1.program.title) }
    }

    /// A published program; a draft has no public page.
    static func published(_ id: UUID, on db: any Database) async throws -> Listed {
        guard let program = try await Program.query(on: db).filter(\.$id == id).filter(\.$published == true).first(),
            let organization = try await Organization.find(program.organizationID, on: db)
        else { throw ServiceError.notFound }
        return Listed(program: program, organizationName: organization.name)
    }

    /// What a new person gives to enroll: their name, sign-in and language, and that they
    /// accept the program's terms.
    struct NewPerson: Sendable {
        var name = ""
        var email = ""
        var password = ""
        var language = "en"
        var acceptsTerms = false
    }

    /// What became of a new person's enrollment form.
    enum NewEnrollment {
        /// Signed up and enrolled at once (Tandem sends no e-mail here).
        case enrolled(User, Program)
        /// The next step went by e-mail: to finish, or to sign in and join.
        case mailed(Program)
    }

    /// Whether joining with a new sign-in goes through a mailed link (when Tandem sends e-mail).
    var mailsSignUps: Bool { req.application.tandemSettings.smtp != nil }

    /// Enrolls someone without a sign-in here. When Tandem sends e-mail, the form's answer is
    /// the same whether or not the address has a sign-in, and the next step is mailed
    /// (`mailSignUp`); the password is chosen on the mailed link's page. Without e-mail there
    /// is no other way to tell the person, so an address with a sign-in is asked on the form to
    /// sign in first, and a new one joins at once with the password given on the form (a
    /// person, the program's organization's participant, and their record, in one transaction).
    func enrollNew(_ programID: UUID, _ person: NewPerson, now: Date = Date()) async throws -> NewEnrollment {
        let listed = try await Self.published(programID, on: req.db)
        let program = listed.program
        let mails = mailsSignUps
        var problems: [(field: String, key: String)] = []
        let name = person.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if let key = FieldRules.name(name, maximum: 120) { problems.append(("name", key)) }
        let email = FieldRules.normalizedEmail(person.email)
        var hasSignIn = false
        if let key = FieldRules.email(email) {
            problems.append(("email", key))
        } else {
            hasSignIn = try await User.query(on: req.db).filter(\.$email == email).first() != nil
            if hasSignIn && !mails { problems.append(("email", "error_program_account_exists")) }
        }
        if !mails, let key = AccountService.passwordProblem(person.password, email: email) {
            problems.append(("password", key))
        }
        let language = Language(rawValue: person.language) ?? .en
        if !person.acceptsTerms { problems.append(("accept_terms", "error_program_accept_terms")) }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        if mails {
            try await mailSignUp(listed, name: name, email: email, language: language, hasSignIn: hasSignIn, now: now)
            return .mailed(program)
        }
        let hash = try await req.password.async.hash(PasswordDigest.prepare(person.password))
        let made: (User, Participant)
        do {
            made = try await req.db.transaction { db in
                try await Self.makeParticipant(
                    program, name: name, email: email, passwordHash: hash, language: language, termsAcceptedAt: now,
                    enrolledAt: now, on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same address joined a moment ago, in another request.
            throw ServiceError.invalid([("email", "error_program_account_exists")])
        }
        let (user, participant) = made
        try await req.audit(
            "program.enroll", actor: user.id, organization: program.organizationID, subjectType: "program",
            subject: program.id, participant: participant.id)
        return .enrolled(user, program)
    }

    /// A new sign-in, a participant of the program's organization, their record and their
    /// enrollment; the caller's transaction holds them together.
    static func makeParticipant(
        _ program: Program, name: String, email: String, passwordHash: String, language: Language,
        termsAcceptedAt: Date, enrolledAt: Date, on db: any Database
    ) async throws -> (User, Participant) {
        let user = User(email: email, displayName: name, passwordHash: passwordHash, language: language.rawValue)
        try await user.create(on: db)
        let participant = try await addParticipant(
            program, user: user, name: name, language: language, termsAcceptedAt: termsAcceptedAt,
            enrolledAt: enrolledAt, on: db)
        return (user, participant)
    }

    /// Makes `user` a participant of the program's organization, with their record there (their
    /// name, address and language, nothing else) and their enrollment; in the caller's transaction.
    static func addParticipant(
        _ program: Program, user: User, name: String, language: Language, termsAcceptedAt: Date, enrolledAt: Date,
        chosenAt: Date? = nil, on db: any Database
    ) async throws -> Participant {
        let membership = Membership(userID: user.id!, organizationID: program.organizationID, role: .participant)
        membership.chosenAt = chosenAt
        try await membership.create(on: db)
        let participant = Participant(
            organizationID: program.organizationID,
            profile: ParticipantProfile(preferredName: name, email: user.email, language: language.rawValue))
        participant.$user.id = user.id
        try await participant.create(on: db)
        try await ParticipantService.index(participant, on: db)
        let enrollment = ProgramEnrollment(program: program, participantID: participant.id!, at: enrolledAt)
        enrollment.termsAcceptedAt = termsAcceptedAt
        try await enrollment.create(on: db)
        return participant
    }

    /// Enrolls a participant of the program's organization signed in to it (the API, whose
    /// token acts in one organization); enrolling again changes nothing.
    func enroll(_ programID: UUID, actor: Actor, acceptsTerms: Bool, now: Date = Date()) async throws -> Program {
        let program = try await Self.published(programID, on: req.db).program
        guard actor.role == .participant, actor.organizationID == program.organizationID,
            let participant = try await ownRecord(actor)
        else { throw ServiceError.denied }
        try await enroll(participant, in: program, by: actor.userID, acceptsTerms: acceptsTerms, now: now)
        return program
    }

    /// Enrolls `participant` unless they are enrolled already.
    func enroll(
        _ participant: Participant, in program: Program, by userID: UUID, acceptsTerms: Bool, now: Date
    ) async throws {
        if try await enrollment(program.id!, participant.id!) != nil { return }
        guard acceptsTerms else { throw ServiceError.invalid([("accept_terms", "error_program_accept_terms")]) }
        try await retryingOnUniqueConflict {
            if try await enrollment(program.id!, participant.id!) == nil {
                try await ProgramEnrollment(program: program, participantID: participant.id!, at: now).create(
                    on: req.db)
            }
        }
        try await req.audit(
            "program.enroll", actor: userID, organization: program.organizationID, subjectType: "program",
            subject: program.id, participant: participant.id)
    }

    /// The guided start of an enrolled person: each step and whether it is done.
    struct Start: Sendable {
        let program: Program
        let enrollment: ProgramEnrollment
        let participant: Participant
        let hasValues: Bool
        let hasGoal: Bool
        let barcDone: Bool
        let hasCoach: Bool
    }

    func start(_ programID: UUID, actor: Actor) async throws -> Start {
        guard let participant = try await ownRecord(actor),
            let program = try await Program.query(on: req.db).filter(\.$id == programID)
                .filter(\.$organizationID == actor.organizationID).first(),
            let enrollment = try await enrollment(programID, participant.id!)
        else { throw ServiceError.notFound }
        let plan = try await RecoveryPlanVersion.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participant.$id == participant.id!).sort(\.$number, .descending).first()
        let document = plan.flatMap { try? JSONDecoder().decode(PlanDocument.self, from: Data($0.content.utf8)) }
        let barc = try await RecoveryCapitalAssessment.query(on: req.db)
            .filter(\.$organizationID == actor.organizationID).filter(\.$participant.$id == participant.id!)
            .filter(\.$status == .completed).count()
        let coached = try await Engagement.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participant.$id == participant.id!).filter(\.$status ~~ [.referred, .active, .paused]).count()
        try await req.audit(
            "program.view", actor: actor.userID, organization: actor.organizationID, subjectType: "program",
            subject: programID, participant: participant.id)
        return Start(
            program: program, enrollment: enrollment, participant: participant,
            hasValues: !(document?.values.isEmpty ?? true),
            hasGoal: document?.domains.contains { !$0.goals.isEmpty } ?? false, barcDone: barc > 0,
            hasCoach: coached > 0)
    }

    /// The person asks for a coach; admins are told by e-mail, without the name.
    func requestCoach(_ programID: UUID, actor: Actor, now: Date = Date()) async throws {
        let start = try await start(programID, actor: actor)
        guard start.enrollment.coachRequestedAt == nil else { return }
        start.enrollment.coachRequestedAt = now
        try await start.enrollment.save(on: req.db)
        try await req.audit(
            "program.coach_request", actor: actor.userID, organization: actor.organizationID,
            subjectType: "program_enrollment", subject: start.enrollment.id, participant: start.participant.id)
        // Admins run programs and give their people coaches.
        try await StaffNotice.send(
            req, organizationID: actor.organizationID, roles: [.admin], subjectKey: "program_coach_email_subject",
            bodyKey: "program_coach_email_body", path: "/admin/programs/" + start.program.id!.uuidString,
            kind: "program_coach_request", dedupe: "program_coach:\(start.enrollment.id!)")
    }

    private func ownRecord(_ actor: Actor) async throws -> Participant? {
        try await Participant.query(on: req.db).filter(\.$organization.$id == actor.organizationID)
            .filter(\.$user.$id == actor.userID).first()
    }

    func enrollment(_ programID: UUID, _ participantID: UUID) async throws -> ProgramEnrollment? {
        try await ProgramEnrollment.query(on: req.db).filter(\.$programID == programID)
            .filter(\.$participantID == participantID).first()
    }
}
