import Fluent
import Foundation
import TandemKit
import Vapor

/// The link mailed to a new person who filled in a program's public form: a page showing the
/// program's terms and price as they stand, where the person chooses their password and joins
/// (opening the link alone changes nothing, since mail scanners open links too).
struct ProgramJoinController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("join", ":token", use: confirm)
        routes.post("join", ":token", use: finish)
    }

    struct JoinBody: Encodable, Sendable {
        let token: String
        let intro: String
        let terms: String
        let price: String
        let hasSignIn: Bool
        let programID: String
    }

    struct JoinForm: Content {
        var password: String?
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let (signUp, listed) = try await ProgramService(req: req).signUp(token: token) else {
            return try await req.linkGonePage()
        }
        return try await page(token: token, signUp: signUp, listed: listed, req: req)
    }

    @Sendable func finish(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let service = ProgramService(req: req)
        guard let (signUp, listed) = try await service.signUp(token: token) else {
            return try await alreadyJoinedOrGone(token: token, req: req)
        }
        let form = (try? req.content.decode(JoinForm.self)) ?? JoinForm()
        do {
            let (user, program) = try await service.finishSignUp(signUp, of: listed, password: form.password ?? "")
            return try await ProgramController.signedIn(user, startOf: program, req: req)
        } catch ServiceError.invalid(let problems) {
            return try await page(
                token: token, signUp: signUp, listed: listed, req: req, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        } catch ProgramService.SignUpProblem.hasSignIn {
            return try await page(
                token: token, signUp: signUp, listed: listed, hasSignIn: true, req: req, status: .conflict)
        } catch ProgramService.SignUpProblem.gone {
            return try await alreadyJoinedOrGone(token: token, req: req)
        }
    }

    /// A second press of the button (a double click, a resent form) by the person the first
    /// one signed in leads on to their start rather than to "this link no longer works".
    private func alreadyJoinedOrGone(token: String, req: Request) async throws -> Response {
        guard let signedIn = await req.optionalSignedIn(),
            let programID = try await ProgramService(req: req).programJoined(token: token, by: signedIn)
        else { return try await req.linkGonePage() }
        return .redirect(GuidedReturn.path(programID))
    }

    private func page(
        token: String, signUp: ProgramSignUp, listed: ProgramService.Listed, hasSignIn: Bool = false, req: Request,
        errors: [FieldError] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        // The language chosen on the form, unless the person chose one here.
        if req.cookies[req.cookieName(Localizer.cookieName)] == nil, let language = Language(rawValue: signUp.language)
        {
            req.language = language
        }
        return try await req.page(
            "programs/join", titleKey: "join_title",
            JoinBody(
                token: token,
                intro: req.t(
                    "join_intro",
                    [
                        "name": firstName(signUp.name), "program": listed.program.title,
                        "organization": listed.organizationName,
                    ]), terms: listed.program.terms,
                price: ProgramController.price(listed.program.priceCents, req: req), hasSignIn: hasSignIn,
                programID: listed.program.id!.uuidString),
            errors: errors, status: status)
    }
}
