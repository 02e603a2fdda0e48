import Foundation
import TandemKit
import Vapor

/// Why a service refused an operation. Pages and the API each turn these into their own
/// answer: not found and denied into 404 and 403, invalid into field messages, conflict into 409.
enum ServiceError: Error {
    /// No such record in the actor's organization.
    case notFound
    /// The record exists but the access policy does not allow this actor to do this.
    case denied
    /// Fields at fault, each with the message key saying why.
    case invalid([(field: String, key: String)])
    /// The request is well formed but the record's state does not allow it (message key).
    case conflict(String)
}

extension ServiceError: AbortError {
    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .denied: .forbidden
        case .invalid: .unprocessableEntity
        case .conflict: .conflict
        }
    }

    var reason: String {
        switch self {
        case .notFound: "Not found."
        case .denied: "Not allowed."
        case .invalid: "Some fields are not valid."
        case .conflict(let key): key
        }
    }
}

extension ServiceError {
    /// A typed full name given as a signature, trimmed; refused (as the field `typed_name`)
    /// when empty, too long or not a name.
    static func typedSignature(_ typedName: String) throws -> String {
        let name = typedName.trimmingCharacters(in: .whitespacesAndNewlines)
        if typedName.count > 200 { throw ServiceError.invalid([("typed_name", "error_name_too_long")]) }
        if let key = FieldRules.name(name, maximum: 200) { throw ServiceError.invalid([("typed_name", key)]) }
        return name
    }
}
