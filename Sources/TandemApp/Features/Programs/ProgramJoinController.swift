import Fluent
import Foundation
import TandemKit
import Vapor

/// The link mailed to a new person who filled in a program's public form: a page that says
/// what opening it will do, and a button that does it (a link alone changes nothing, since
/// mail scanners open links too).
struct ProgramJoinController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("join", ":token", use: confirm)
        routes.post("join", ":token", use: finish)
    }

    struct JoinBody: Encodable, Sendable {
        let token: String
        let intro: String
        let terms: String
        let hasSignIn: Bool
        let programID: String
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let (signUp, listed) = try await ProgramService(req: req).signUp(token: token) else {
            return try await req.linkGonePage()
        }
        if req.cookies[req.cookieName(Localizer.cookieName)] == nil, let language = Language(rawValue: signUp.language)
        {
            req.language = language
        }
        return try await page(token: token, signUp: signUp, listed: listed, hasSignIn: false, req: req)
    }

    @Sendable func finish(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let service = ProgramService(req: req)
        let found = try await service.signUp(token: token)
        do {
            let (user, program) = try await service.finishSignUp(token: token)
            return try await ProgramController.signedIn(user, startOf: program, req: req)
        } catch ProgramService.SignUpProblem.hasSignIn {
            guard let (signUp, listed) = found else { return try await req.linkGonePage() }
            return try await page(
                token: token, signUp: signUp, listed: listed, hasSignIn: true, req: req, status: .conflict)
        } catch ProgramService.SignUpProblem.gone {
            return try await req.linkGonePage()
        }
    }

    private func page(
        token: String, signUp: ProgramSignUp, listed: ProgramService.Listed, hasSignIn: Bool, req: Request,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        try await req.page(
            "programs/join", titleKey: "join_title",
            JoinBody(
                token: token,
                intro: req.t(
                    "join_intro",
                    [
                        "name": firstName(signUp.name), "program": listed.program.title,
                        "organization": listed.organizationName,
                    ]), terms: listed.program.terms, hasSignIn: hasSignIn,
                programID: listed.program.id!.uuidString),
            status: status)
    }
}
