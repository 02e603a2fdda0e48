import Fluent
import Foundation
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
    typealias Value = (User, ApiToken)
}

extension Request {
    /// The user behind the bearer token of this request; 401 for a missing, unknown,
    /// expired or revoked token.
    func bearerUser() async throws -> (User, ApiToken) {
        if let known = storage[BearerKey.self] { return known }
        let found = try await lookUpBearer()
        storage[BearerKey.self] = found
        return found
    }

    private func lookUpBearer() async throws -> (User, ApiToken) {
        let challenge: HTTPHeaders = ["WWW-Authenticate": "Bearer"]
        guard let bearer = headers.bearerAuthorization?.token, !bearer.isEmpty, bearer.count <= 200 else {
            throw APIProblem(
                status: .unauthorized, reason: "Send a bearer token from POST /api/v1/tokens.", headers: challenge)
        }
        let now = Date()
        guard
            let token = try await ApiToken.query(on: db).filter(\.$tokenHash == SecureToken.hash(bearer)).with(\.$user)
                .first(),
            token.isActive(at: now)
        else {
            throw APIProblem(
                status: .unauthorized, reason: "The token is unknown, expired or revoked.", headers: challenge)
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            token.lastUsedAt = now
            try await token.save(on: db)
        }
        return (token.user, token)
    }
}
