import Foundation
import OpenAPIRuntime
import Vapor

/// An RFC 9457 problem document.
struct Problem: Content, Sendable {
    struct FieldProblem: Content, Sendable {
        let field: String
        let message: String
    }

    var type: String = "about:blank"
    var title: String
    var status: Int
    var detail: String?
    var errors: [FieldProblem]?

    func response(headers extra: HTTPHeaders = [:]) -> Response {
        var headers = extra
        headers.contentType = HTTPMediaType(
            type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        let body = (try? JSONEncoder().encode(self)) ?? Data()
        return Response(status: HTTPStatus(statusCode: status), headers: headers, body: .init(data: body))
    }
}

/// Turns every error into a calm answer: problem+json for the API, an error page for
/// people. Nothing a client sends should end as a 500; the unexpected is logged with
/// the request id and shown without internals.
struct TandemErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await handle(error, for: request)
        }
    }

    private func handle(_ error: any Error, for request: Request) async -> Response {
        var status: HTTPStatus = .internalServerError
        var headers: HTTPHeaders = [:]
        var reason: String?
        var fields: [Problem.FieldProblem]?
        switch error {
        case let decoding as DecodingError:
            status = .badRequest
            (reason, fields) = Self.describe(decoding)
        case let server as ServerError:
            (status, reason, fields) = Self.classify(server)
            if let problem = Self.innermost(server) as? APIProblem { headers = problem.headers }
            if status == .serviceUnavailable {
                headers = ["Retry-After": String(DatabaseUnavailable.retryAfterSeconds)]
            }
        case let problem as APIProblem:
            status = problem.status
            headers = problem.headers
            reason = problem.reason
            fields = problem.fields.isEmpty ? nil : problem.fields
        case let abort as any AbortError:
            status = abort.status
            headers = abort.headers
            reason = abort.reason
        case let database where DatabaseUnavailable.matches(database):
            // Not the request's fault, and over when the database is back: say when to retry.
            status = .serviceUnavailable
            headers = ["Retry-After": String(DatabaseUnavailable.retryAfterSeconds)]
            request.logger.warning(
                "The database is unavailable: \(String(reflecting: type(of: database)))")
        default:
            break
        }
        if status == .internalServerError {
            request.logger.report(error: error)
        }
        if (300..<400).contains(status.code), headers.first(name: .location) != nil {
            return Response(status: .seeOther, headers: headers)
        }
        if request.url.path.hasPrefix("/api/") {
            // A known path asked with a method it does not have: 405 and the methods it has.
            if status == .notFound, request.route == nil {
                let allowed = Self.methods(for: request.url.path, in: request.application.routes)
                if !allowed.isEmpty {
                    status = .methodNotAllowed
                    reason = nil
                    headers = ["Allow": allowed.joined(separator: ", ")]
                }
            }
            let title = status.reasonPhrase
            let detail = status == .internalServerError ? nil : Self.apiDetail(reason, status: status)
            var problemHeaders = HTTPHeaders()
            if let retry = headers.first(name: .retryAfter) {
                problemHeaders.replaceOrAdd(name: .retryAfter, value: retry)
            }
            if let allow = headers.first(name: .allow) { problemHeaders.replaceOrAdd(name: .allow, value: allow) }
            if let auth = headers.first(name: .wwwAuthenticate) {
                problemHeaders.replaceOrAdd(name: .wwwAuthenticate, value: auth)
            }
            return Problem(title: title, status: Int(status.code), detail: detail, errors: fields).response(
                headers: problemHeaders)
        }
        let page = await errorPage(status: status, reason: reason, request: request)
        if let retry = headers.first(name: .retryAfter) { page.headers.replaceOrAdd(name: .retryAfter, value: retry) }
        return page
    }

    private func errorPage(status: HTTPStatus, reason: String?, request: Request) async -> Response {
        let key: String
        switch status.code {
        case 403 where reason == "csrf": key = "error_csrf"
        case 403: key = "error_forbidden"
        case 404: key = "error_not_found"
        case 413: key = "error_too_large"
        case 429: key = Self.messageKey(reason, request) ?? "error_too_many"
        case 503: key = "error_unavailable"
        // Something already done, or changed meanwhile (a second click, another person first):
        // the reason names what, when it is one of our messages.
        case 409: key = Self.messageKey(reason, request) ?? "error_conflict"
        case 400..<500: key = "error_bad_request"
        default: key = "error_server"
        }
        struct ErrorBody: Encodable, Sendable {
            let status: UInt
            let message: String
            /// The page the request came from, on this site, to go back to how things stand now.
            let back: String?
            /// Not found in the organization the person works in now, and they have others:
            /// a link from one of those (in an e-mail, say) leads here.
            let otherOrganizations: Bool
        }
        var elsewhere = false
        if status == .notFound, !request.url.path.hasPrefix("/api/") {
            elsewhere = (await request.optionalSignedIn()?.organizationCount ?? 0) > 1
        }
        let body = ErrorBody(
            status: status.code, message: request.t(key), back: status == .conflict ? Self.back(request) : nil,
            otherOrganizations: elsewhere)
        if let page = try? await request.page(
            "error", titleKey: status == .conflict ? "error_conflict_title" : "error_title", body, status: status)
        {
            return page
        }
        return Response(status: status, body: .init(string: request.t(key)))
    }

    /// The error's reason when it is one of the messages, to say more than the status does.
    private static func messageKey(_ reason: String?, _ request: Request) -> String? {
        reason.flatMap { $0.hasPrefix("error_") && request.messages.text($0) != $0 ? $0 : nil }
    }

    /// The path of the page that sent the request, when it is this site's (the Referer's host
    /// is this request's host, or the public address's: a proxy in front may rewrite the
    /// Host it passes on); nil otherwise.
    static func back(_ request: Request) -> String? {
        guard let referer = request.headers.first(name: .referer), let url = URL(string: referer),
            let host = url.host
        else { return nil }
        let ours = [
            request.headers.first(name: .host)?.split(separator: ":").first.map(String.init),
            request.settings.baseURL.flatMap { URL(string: $0)?.host },
        ]
        guard ours.contains(host) else { return nil }
        let path = LanguageController.safeLocalPath(url.path)
        return path == "/" ? nil : path
    }

    static func apiDetail(_ reason: String?, status: HTTPStatus) -> String? {
        switch reason {
        case "csrf": return "The CSRF token is missing or wrong. Send the X-CSRF-Token header, or no cookies."
        case nil: return nil
        default: return reason
        }
    }

    /// The generated API server wraps decoding and content-type errors; find what the client got wrong.
    /// The methods registered for `path`, matching parameters to any segment.
    static func methods(for path: String, in routes: Routes) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        let methods = routes.all.filter { route in
            route.path.count == segments.count
                && zip(route.path, segments).allSatisfy { component, segment in
                    if case .constant(let value) = component { return value == segment }
                    return true
                }
        }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }

    static func innermost(_ error: ServerError) -> any Error {
        var underlying: any Error = error.underlyingError
        while let nested = underlying as? ServerError { underlying = nested.underlyingError }
        return underlying
    }

    static func classify(_ error: ServerError) -> (HTTPStatus, String?, [Problem.FieldProblem]?) {
        let underlying = innermost(error)
        if let problem = underlying as? APIProblem {
            return (problem.status, problem.reason, problem.fields.isEmpty ? nil : problem.fields)
        }
        // Before AbortError: Vapor makes DecodingError an AbortError, without the field.
        if let decoding = findDecodingError(in: underlying) {
            let (reason, fields) = describe(decoding)
            return (.badRequest, reason, fields)
        }
        if let abort = underlying as? any AbortError { return (abort.status, abort.reason, nil) }
        if DatabaseUnavailable.matches(underlying) { return (.serviceUnavailable, "The database is unavailable.", nil) }
        // The runtime already knows which of its errors are the client's (400, 415, ...).
        let status = HTTPStatus(statusCode: Int(error.httpStatus.code))
        if (400..<500).contains(status.code) {
            return (
                status, status == .unsupportedMediaType ? "Send the body as application/json." : error.causeDescription,
                nil
            )
        }
        return (.internalServerError, nil, nil)
    }

    /// The runtime wraps decoding errors in its own (internal) error type; find the one inside.
    static func findDecodingError(in value: Any, depth: Int = 0) -> DecodingError? {
        if let decoding = value as? DecodingError { return decoding }
        guard depth < 5 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let found = findDecodingError(in: child.value, depth: depth + 1) { return found }
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> (String, [Problem.FieldProblem]?) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return ("The body is not valid JSON.", nil)
        case .keyNotFound(let key, let context):
            let field = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            return ("A required field is missing.", [.init(field: field, message: "This field is required.")])
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return (
                "A field has the wrong type or value.", [.init(field: path(context), message: context.debugDescription)]
            )
        @unknown default:
            return ("The body could not be read.", nil)
        }
    }
}
