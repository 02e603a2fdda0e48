import Fluent
import Foundation
import TandemKit
import Vapor

/// The public side of online programs: the list, a program's page with its terms and price,
/// enrolling (with a new sign-in, or as a signed-in participant), and the guided start.
struct ProgramController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("programs", use: list)
        routes.get("programs", ":programID", use: show)
        routes.post("programs", ":programID", "enroll", use: enroll)
        routes.get("programs", ":programID", "start", use: start)
        routes.post("programs", ":programID", "coach-request", use: requestCoach)
    }

    struct Card: Encodable, Sendable {
        let id: String
        let title: String
        let summary: String
        let organization: String
        let price: String
    }

    static func price(_ cents: Int, req: Request) -> String {
        cents == 0 ? req.t("program_free") : req.t("program_price", ["amount": "$" + Money.text(cents)])
    }

    static func card(_ listed: ProgramService.Listed, req: Request) -> Card {
        Card(
            id: listed.program.id!.uuidString, title: listed.program.title, summary: listed.program.summary,
            organization: listed.organizationName, price: price(listed.program.priceCents, req: req))
    }

    struct ListBody: Encodable, Sendable {
        let programs: [Card]
    }

    @Sendable func list(req: Request) async throws -> Response {
        let programs = try await ProgramService.published(on: req.db)
        return try await req.page(
            "programs/list", titleKey: "programs_title", ListBody(programs: programs.map { Self.card($0, req: req) }))
    }

    struct ShowBody: Encodable, Sendable {
        let program: Card
        let description: String
        let terms: String
        /// Someone signed in who may join (a participant of the program's organization, or a
        /// person not in it yet): a button to join.
        let canJoin: Bool
        /// What joining shares with the program's organization, for someone not in it yet.
        let joinNote: String?
        let enrolled: Bool
        /// The session works in the program's organization: its start is a link. From another
        /// organization of the person's, a button moves the session there first.
        let continuesHere: Bool
        /// Someone signed in with another role at the program's organization: they cannot join.
        let signedInElsewhere: Bool
        let v: [String: String]
        let languages: [SelectOption]
        let accepted: Bool
        /// The form was sent and its next step mailed.
        let sent: Bool
        let sentText: String
        /// Without e-mail the form takes the password; with it, the mailed link's page does.
        let asksPassword: Bool
    }

    struct EnrollForm: Content {
        var name: String?
        var email: String?
        var password: String?
        var language: String?
        var accept_terms: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await showPage(req: req, form: EnrollForm())
    }

    private func showPage(
        req: Request, form: EnrollForm, errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let listed = try await ProgramService.published(try req.id("programID"), on: req.db)
        let signedIn = await req.optionalSignedIn()
        var standing: ProgramService.Standing?
        if let signedIn {
            standing = try await ProgramService(req: req).standing(in: listed.program, userID: signedIn.userID)
        }
        var enrolled = false
        var otherRole = false
        var joinNote: String?
        switch standing {
        case .participant(_, let isEnrolled): enrolled = isEnrolled
        case .newcomer: joinNote = req.t("program_join_another", ["organization": listed.organizationName])
        case .otherRole: otherRole = true
        case nil: break
        }
        return try await req.page(
            "programs/show", titleKey: "programs_title",
            ShowBody(
                program: Self.card(listed, req: req), description: listed.program.description,
                terms: listed.program.terms, canJoin: standing != nil && !otherRole, joinNote: joinNote,
                enrolled: enrolled, continuesHere: signedIn?.organizationID == listed.program.organizationID,
                signedInElsewhere: otherRole,
                v: ["name": form.name ?? "", "email": form.email ?? ""],
                languages: req.options(
                    Language.self, prefix: "language_", selected: form.language ?? req.language.rawValue),
                accepted: form.accept_terms != nil,
                sent: status == .ok && req.query[String.self, at: "sent"] != nil,
                sentText: req.t("program_check_email", ["hours": String(ProgramService.signUpHours)]),
                asksPassword: !ProgramService(req: req).mailsSignUps),
            errors: errors, status: status)
    }

    @Sendable func enroll(req: Request) async throws -> Response {
        let id = try req.id("programID")
        let form = (try? req.content.decode(EnrollForm.self)) ?? EnrollForm()
        let service = ProgramService(req: req)
        do {
            if let signedIn = await req.optionalSignedIn() {
                let program = try await service.join(id, user: signedIn.user, acceptsTerms: form.accept_terms != nil)
                let response = Response.redirect(GuidedReturn.path(program.id!))
                if program.organizationID != signedIn.organizationID {
                    // The start and the plan are the program's organization's pages.
                    try await OrganizationChoice(req: req).choose(
                        program.organizationID, userID: signedIn.userID, response: response)
                }
                return response
            }
            let outcome = try await service.enrollNew(
                id,
                ProgramService.NewPerson(
                    name: form.name ?? "", email: form.email ?? "", password: form.password ?? "",
                    language: form.language ?? "en", acceptsTerms: form.accept_terms != nil))
            switch outcome {
            case .enrolled(let user, let program):
                return try await Self.signedIn(user, startOf: program, req: req)
            case .mailed(let program):
                // The same answer for every address; no address in the link.
                return .redirect("/programs/\(program.id!.uuidString)?sent=1")
            }
        } catch ServiceError.invalid(let problems) {
            return try await showPage(
                req: req, form: form, errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    /// Signs in a person who just joined and takes them to the program's guided start, in
    /// the language they chose on the form, whatever the page was shown in.
    static func signedIn(_ user: User, startOf program: Program, req: Request) async throws -> Response {
        let response = Response.redirect(GuidedReturn.path(program.id!))
        try await SessionIssuer(request: req).start(
            user: user, organizationID: program.organizationID, awaitingSecondFactor: false, response: response)
        response.cookies[req.cookieName(Localizer.cookieName)] = LanguageController.cookie(
            user.language, secure: req.settings.secureCookies)
        return response
    }

    struct Step: Encodable, Sendable {
        let id: String
        let title: String
        let hint: String
        let href: String
        let done: Bool
    }

    struct StartBody: Encodable, Sendable {
        let programID: String
        let title: String
        let steps: [Step]
        let payment: String
        let paymentKey: String
        let coachRequested: Bool
        let hasCoach: Bool
        let allDone: Bool
    }

    /// The guided start: the plan's values, a first goal, the BARC-10, then a coach if wanted.
    /// Each form returns here when saved.
    @Sendable func start(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let start = try await ProgramService(req: req).start(try req.id("programID"), actor: signedIn.actor)
        let person = "/participants/\(start.participant.id!.uuidString)"
        let back = "?next=" + GuidedReturn.path(start.program.id!)
        let steps = [
            Step(id: "step-terms", title: req.t("program_step_terms"), hint: "", href: "", done: true),
            Step(
                id: "step-values", title: req.t("program_step_values"), hint: req.t("program_step_values_hint"),
                href: person + "/plan/edit/values" + back, done: start.hasValues),
            Step(
                id: "step-goal", title: req.t("program_step_goal"), hint: req.t("program_step_goal_hint"),
                href: person + "/plan/edit/d0" + back, done: start.hasGoal),
            Step(
                id: "step-barc", title: req.t("program_step_barc"), hint: req.t("program_step_barc_hint"),
                href: person + "/recovery-capital/form" + back, done: start.barcDone),
        ]
        return try await req.page(
            "programs/start", titleKey: "program_start_title",
            StartBody(
                programID: start.program.id!.uuidString, title: start.program.title, steps: steps,
                payment: req.t("program_payment_" + start.enrollment.payment.rawValue),
                paymentKey: start.enrollment.payment.rawValue,
                coachRequested: start.enrollment.coachRequestedAt != nil, hasCoach: start.hasCoach,
                allDone: steps.allSatisfy(\.done)))
    }

    @Sendable func requestCoach(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("programID")
        try await ProgramService(req: req).requestCoach(id, actor: signedIn.actor)
        return .redirect("/programs/\(id.uuidString)/start")
    }
}

/// Where a form of the guided start sends the person back to: only a program's start page,
/// so the parameter cannot send anyone elsewhere.
enum GuidedReturn {
    static func path(_ programID: UUID) -> String { "/programs/\(programID.uuidString)/start" }

    /// The return path a request carries, when it is one.
    static func checked(_ raw: String?) -> String? {
        guard let raw, raw.hasPrefix("/programs/"), raw.hasSuffix("/start") else { return nil }
        let middle = raw.dropFirst("/programs/".count).dropLast("/start".count)
        return UUID(uuidString: String(middle)).map(path)
    }
}
