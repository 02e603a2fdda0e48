import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// A client error the API reports as problem+json, naming the fields at fault.
struct APIProblem: AbortError {
    let status: HTTPResponseStatus
    let reason: String
    var fields: [Problem.FieldProblem] = []
    var headers: HTTPHeaders = [:]
}

/// The generated API handlers receive typed input only; the Vapor request (database,
/// headers, client address) reaches them through this task-local value.
enum APIRequestContext {
    @TaskLocal static var current: Request?

    static func request() throws -> Request {
        guard let request = current else { throw Abort(.internalServerError, reason: "No request context") }
        return request
    }
}

/// Binds the request for the API handlers and bounds the body size, whether or not the
/// client announced a length.
struct APIRequestMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limit = request.settings.maxBodyBytes
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
            throw APIProblem(status: .payloadTooLarge, reason: "The request body is larger than \(limit) bytes.")
        }
        if [.POST, .PUT, .PATCH].contains(request.method) {
            do {
                _ = try await request.body.collect(max: limit).get()
            } catch let abort as any AbortError where abort.status == .payloadTooLarge {
                throw APIProblem(status: .payloadTooLarge, reason: "The request body is larger than \(limit) bytes.")
            }
        }
        // Every operation but signing in needs a token: refuse before reading the body, so an
        // anonymous caller learns nothing from validation messages.
        if !(request.method == .POST && request.url.path == "/api/v1/tokens") {
            _ = try await request.bearerUser()
        }
        return try await APIRequestContext.$current.withValue(request) {
            try await next.respond(to: request)
        }
    }
}

private struct BearerKey: StorageKey {
    typealias Value = BearerAccount
}

/// An API token with its user and the membership (with its organization) it acts in: the
/// token's organization's, or, for a token made before tokens named one, the person's first;
/// read in one query: every API request needs all of them.
struct BearerAccount: Sendable {
    let token: ApiToken
    let user: User
    /// Nil when the person belongs to no organization (any more).
    let membership: Membership?

    static func find(tokenHash: String, on db: any Database) async throws -> BearerAccount? {
        guard let sql = db as? any SQLDatabase else { return nil }
        guard
            let row = try await sql.raw(
                "\(unsafeRaw: selection) WHERE t.token_hash = \(bind: tokenHash) ORDER BY m.created_at LIMIT 1"
            ).first()
        else { return nil }
        let user = try User.load(from: row, prefix: "u_")
        let token = try ApiToken.load(from: row, prefix: "t_")
        token.$user.value = user
        return BearerAccount(
            token: token, user: user, membership: try Membership.loadWithOrganization(from: row, user: user))
    }

    private static let selection: String = {
        let list =
            ApiToken.columns(as: "t") + User.columns(as: "u") + Membership.columns(as: "m")
            + Organization.columns(as: "o")
        return """
            SELECT \(list.joined(separator: ", ")) FROM api_tokens t JOIN users u ON u.id = t.user_id \
            LEFT JOIN memberships m ON m.user_id = t.user_id \
            AND (t.organization_id IS NULL OR m.organization_id = t.organization_id) \
            LEFT JOIN organizations o ON o.id = m.organization_id
            """
    }()
}

extension ApiToken: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $user.output(from: output)
        try $organizationID.output(from: output)
        try $name.output(from: output)
        try $tokenHash.output(from: output)
        try $expiresAt.output(from: output)
        try $lastUsedAt.output(from: output)
        try $revokedAt.output(from: output)
        try $createdAt.output(from: output)
    }
}

extension Request {
    /// The user behind the bearer token of this request; 401 for a missing, unknown,
    /// expired or revoked token.
    func bearerUser() async throws -> (User, ApiToken) {
        let account = try await bearerAccount()
        return (account.user, account.token)
    }

    /// The bearer token's account, looked up once per request.
    func bearerAccount() async throws -> BearerAccount {
        if let known = storage[BearerKey.self] { return known }
        let found = try await lookUpBearer()
        storage[BearerKey.self] = found
        return found
    }

    private func lookUpBearer() async throws -> BearerAccount {
        let challenge: HTTPHeaders = ["WWW-Authenticate": "Bearer"]
        guard let bearer = headers.bearerAuthorization?.token, !bearer.isEmpty, bearer.count <= 200 else {
            throw APIProblem(
                status: .unauthorized, reason: "Send a bearer token from POST /api/v1/tokens.", headers: challenge)
        }
        let now = Date()
        guard
            let account = try await BearerAccount.find(tokenHash: SecureToken.hash(bearer), on: db),
            account.token.isActive(at: now)
        else {
            throw APIProblem(
                status: .unauthorized, reason: "The token is unknown, expired or revoked.", headers: challenge)
        }
        let token = account.token
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            await tandem.tokenUse.used(token.id!, at: now, on: writeDB)
        }
        return account
    }
}
