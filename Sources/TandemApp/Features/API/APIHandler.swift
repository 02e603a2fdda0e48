import Fluent
import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The handlers of the operations in openapi.json. The generated protocol keeps them in
/// step with the document.
struct APIHandler: APIProtocol {
    func createToken(_ input: Operations.createToken.Input) async throws -> Operations.createToken.Output {
        let req = try APIRequestContext.request()
        guard case .json(let body) = input.body else {
            throw APIProblem(status: .unsupportedMediaType, reason: "Send application/json.")
        }
        var fields: [Problem.FieldProblem] = []
        if body.email.isEmpty || body.email.count > 254 {
            fields.append(.init(field: "email", message: "Give the account's e-mail."))
        }
        if body.password.isEmpty || body.password.count > PasswordPolicy.maximumLength {
            fields.append(.init(field: "password", message: "Give the account's password."))
        }
        if let name = body.name, name.isEmpty || name.count > 100 {
            fields.append(.init(field: "name", message: "A token name has 1 to 100 characters."))
        }
        let askedOrganization = body.organizationId.map { UUID(uuidString: $0) }
        if case .some(nil) = askedOrganization {
            fields.append(.init(field: "organizationId", message: "Give an organization id (a UUID) or leave it out."))
        }
        if !fields.isEmpty {
            throw APIProblem(status: .unprocessableEntity, reason: "Some fields are not valid.", fields: fields)
        }
        let credentials = Credentials(request: req)
        let user: User
        switch try await credentials.checkPassword(email: body.email, password: body.password) {
        case .throttled(let wait):
            throw APIProblem(
                status: .tooManyRequests, reason: "Too many failed attempts. Try again later.",
                headers: ["Retry-After": String(Int(wait.rounded(.up)))])
        case .wrong:
            throw APIProblem(status: .unauthorized, reason: "The e-mail or password is not right.")
        case .success(let found):
            user = found
        }
        if user.twoFactorEnabled {
            guard let code = body.totp, !code.isEmpty else {
                throw APIProblem(
                    status: .unauthorized, reason: "This account uses two-factor sign-in.",
                    fields: [.init(field: "totp", message: "Give a current authenticator code or a recovery code.")])
            }
            switch try await credentials.checkSecondFactor(user: user, code: code) {
            case .success: break
            case .throttled(let wait):
                throw APIProblem(
                    status: .tooManyRequests, reason: "Too many failed attempts. Try again later.",
                    headers: ["Retry-After": String(Int(wait.rounded(.up)))])
            case .wrong:
                throw APIProblem(
                    status: .unauthorized, reason: "The two-factor code is not right or was already used.",
                    fields: [.init(field: "totp", message: "Give a current code that has not been used.")])
            }
        }
        // An organization that requires two-factor sign-in for staff requires it for their tokens too.
        if !user.twoFactorEnabled,
            try await Membership.query(on: req.db).filter(\.$user.$id == user.id!).with(\.$organization).all()
                .contains(where: { $0.role.isStaff && $0.organization.requireStaffTwoFactor })
        {
            throw APIProblem(
                status: .forbidden,
                reason: "Your organization requires two-factor sign-in. Set it up on the security page first.")
        }
        let organization = try await Self.tokenOrganization(asked: askedOrganization ?? nil, user: user, db: req.db)
        let secret = "tdm_" + SecureToken.generate()
        let expires = Date().addingTimeInterval(Double(req.settings.apiTokenDays) * 86400)
        let name = FieldRules.label(body.name ?? "", fallback: "API token")
        let token = ApiToken(
            userID: user.id!, organizationID: organization, name: name, tokenHash: SecureToken.hash(secret),
            expiresAt: expires)
        try await token.create(on: req.db)
        try await req.audit(
            "api_token.create", actor: user.id, organization: organization, subjectType: "api_token",
            subject: token.id)
        return .created(
            .init(
                body: .json(
                    .init(
                        id: token.id!.uuidString, token: secret, name: name, expiresAt: expires,
                        organizationId: organization?.uuidString))))
    }

    /// The organization a new token acts in: the one asked for, which must be the person's,
    /// or the one they last chose to work in (their first when they never chose).
    private static func tokenOrganization(asked: UUID?, user: User, db: any Database) async throws -> UUID? {
        guard let asked else { return try await OrganizationChoice.starting(for: user.id!, on: db) }
        guard try await OrganizationChoice.membership(of: user.id!, in: asked, on: db) != nil else {
            throw APIProblem(
                status: .unprocessableEntity, reason: "Some fields are not valid.",
                fields: [.init(field: "organizationId", message: "Give one of your organizations (see GET /me).")])
        }
        return asked
    }

    func listTokens(_ input: Operations.listTokens.Input) async throws -> Operations.listTokens.Output {
        let req = try APIRequestContext.request()
        let (user, _) = try await req.bearerUser()
        let now = Date()
        let tokens = try await ApiTokenService(db: req.db, userID: user.id!).inUse(now: now)
        return .ok(
            .init(
                body: .json(
                    tokens.map {
                        .init(
                            id: $0.id!.uuidString, name: $0.name, createdAt: $0.createdAt ?? now,
                            expiresAt: $0.expiresAt, lastUsedAt: $0.lastUsedAt,
                            organizationId: $0.organizationID?.uuidString)
                    })))
    }

    func revokeToken(_ input: Operations.revokeToken.Input) async throws -> Operations.revokeToken.Output {
        let req = try APIRequestContext.request()
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.tokenId) else {
            throw APIProblem(
                status: .badRequest, reason: "tokenId is not a UUID.",
                fields: [.init(field: "tokenId", message: "Give a token id.")])
        }
        let tokens = ApiTokenService(db: req.db, userID: user.id!)
        guard let token = try await tokens.revocable(id) else {
            throw APIProblem(status: .notFound, reason: "No such token.")
        }
        guard try await tokens.revoke(token) else { throw APIProblem(status: .notFound, reason: "No such token.") }
        try await req.audit(
            "api_token.revoke", actor: user.id, organization: nil, subjectType: "api_token", subject: id)
        return .noContent(.init())
    }

    func getMe(_ input: Operations.getMe.Input) async throws -> Operations.getMe.Output {
        let req = try APIRequestContext.request()
        let account = try await req.bearerAccount()
        let user = account.user
        let memberships = try await Membership.query(on: req.db).filter(\.$user.$id == user.id!).with(\.$organization)
            .sort(\.$createdAt).all()
        return .ok(
            .init(
                body: .json(
                    .init(
                        id: user.id!.uuidString, email: user.email, displayName: user.displayName,
                        language: .init(rawValue: user.language), twoFactorEnabled: user.twoFactorEnabled,
                        memberships: memberships.map {
                            .init(
                                organizationId: $0.$organization.id.uuidString, organizationName: $0.organization.name,
                                role: .init(rawValue: $0.role.rawValue) ?? .participant)
                        }, organizationId: account.membership?.$organization.id.uuidString))))
    }
}
