import Fluent
import Foundation
import Leaf
import TandemKit
import Vapor

/// A form that makes something is made once, however often it is sent. A double click, a
/// second press while a slow answer is on its way, or "resend" after a lost connection sends
/// the same form again; without this, each made another participant, note or appointment.
///
/// Such a form carries a one-time key (`#onceKey()` in the template, a field named
/// `once_key`). The first request with the key reserves it in `idempotency_keys`; when it
/// answers with a redirect, the redirect is kept, and every later request with the key is
/// sent to the same page without running again. One that arrives while the first is still
/// running waits for it, up to a minute: a busy server can take several seconds to answer, and
/// giving up early would show "still sending" for a form that is being made. An answer that is not a redirect (the form
/// shown again with what to correct) or a failure gives the key back, so the corrected form
/// can be sent. Keys are the signed-in person's, bound to the form's address, and forgotten
/// after a day.
struct FormOnceMiddleware: AsyncMiddleware {
    static let field = "once_key"
    static let lifetime: TimeInterval = 24 * 3600
    /// How long a second request waits for the first, looking again every 50 ms.
    static let waitLimit: Duration = .seconds(60)

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST, let userID = request.webSession?.$user.id,
            request.headers.contentType == .urlEncodedForm,
            let key = (try? request.content.get(String.self, at: Self.field)).flatMap(UUID.init(uuidString:))
        else { return try await next.respond(to: request) }
        let operation = "form:" + request.url.path
        let once = Reservation(
            db: request.db, userID: userID, key: key.uuidString, operation: operation,
            contentHash: Self.contentHash(request))
        switch try await once.reserve() {
        case .done(let location):
            return request.redirect(to: location, redirectType: .normal)
        case .otherContent:
            // The same form page sent again with other words (back, changed, sent): a new
            // intention, not a repeat. It runs, unguarded, rather than be thrown away.
            return try await next.respond(to: request)
        case .held:
            break
        }
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await once.release()
            throw error
        }
        if response.status == .seeOther, let location = response.headers.first(name: .location) {
            // What was asked is done; failing to note it must not turn it into an error.
            do { try await once.finish(location) } catch { request.logger.warning("form key not noted: \(error)") }
        } else {
            try? await once.release()
        }
        return response
    }

    /// The form as sent, without its two tokens, hashed: what makes a repeat a repeat. The raw
    /// body keeps repeated fields (checkboxes) in their order.
    static func contentHash(_ request: Request) -> String {
        let body = request.body.data.map { String(buffer: $0) } ?? ""
        let kept = body.split(separator: "&").filter { pair in
            !pair.hasPrefix(field + "=") && !pair.hasPrefix(CSRFMiddleware.fieldName + "=")
        }
        return SecureToken.hash(kept.joined(separator: "&"))
    }

    enum Outcome {
        /// This request holds the key now.
        case held
        /// Made already: the page the form led to.
        case done(String)
        /// The key was used for this form with other content.
        case otherContent
    }

    struct Reservation {
        let db: any Database
        let userID: UUID
        let key: String
        let operation: String
        let contentHash: String

        func reserve() async throws -> Outcome {
            let clock = ContinuousClock()
            let deadline = clock.now + FormOnceMiddleware.waitLimit
            while clock.now < deadline {
                let record = IdempotencyRecord(
                    reserving: key, for: userID, operation: operation, requestHash: contentHash)
                do {
                    try await record.create(on: db)
                    return .held
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    // Sent before: made (go where it led), or still being made (wait), or
                    // given back meanwhile (try again to hold it).
                    if let found = try await existing() {
                        // A key is made for one form; with another, the request is not a form's.
                        guard found.operation == operation else { throw Abort(.badRequest) }
                        if found.requestHash != contentHash { return .otherContent }
                        if found.responseStatus == 303 { return .done(found.responseBody) }
                    }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
            }
            throw ServiceError.conflict("error_form_still_sending")
        }

        func finish(_ location: String) async throws {
            try await IdempotencyRecord.query(on: db).filter(\.$userID == userID).filter(\.$key == key)
                .set(\.$responseStatus, to: 303).set(\.$responseBody, to: location).update()
        }

        func release() async throws {
            try await IdempotencyRecord.query(on: db).filter(\.$userID == userID).filter(\.$key == key)
                .filter(\.$responseStatus == 0).delete()
        }

        private func existing() async throws -> IdempotencyRecord? {
            try await IdempotencyRecord.query(on: db).filter(\.$userID == userID).filter(\.$key == key).first()
        }
    }

    /// Forgets keys, the forms' and the API's, older than a day.
    static func purge(on db: any Database, now: Date = Date()) async throws {
        try await IdempotencyRecord.query(on: db).filter(\.$createdAt < now.addingTimeInterval(-lifetime)).delete()
    }
}

/// `#onceKey()` in a form that makes something: a fresh key for `FormOnceMiddleware`.
struct OnceKeyTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        .string(UUID().uuidString)
    }
}
