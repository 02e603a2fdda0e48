import Crypto
import Fluent
import Foundation
import TandemKit
import Vapor

/// `Idempotency-Key` on creates: the first request with a key reserves it, runs, and keeps
/// the id of what it made; a retry with the same key and body reads that record again,
/// through the same access check and audit as any read (so a record since deleted, or one
/// the caller may no longer see, is not handed back), instead of creating a second one. The
/// same key with another body is refused (422); a retry while the first is still running,
/// or after it failed in a way that may have stored something, gets 409. Keys are kept a day.
struct Idempotency {
    let req: Request
    let userID: UUID

    /// How long a key is remembered.
    static let lifetime: TimeInterval = 24 * 3600

    /// Characters that pass through headers unchanged (no percent, comma or plus signs).
    static let allowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:~/=-")

    /// Runs `create` once per key; `read` turns the stored id into the answer, first time and retries alike.
    func run<Result: Sendable>(
        key: String?, operation: String, body: some Encodable, create: () async throws -> UUID,
        read: (UUID) async throws -> Result
    ) async throws -> Result {
        try await run(
            key: key, operation: operation, body: body,
            make: {
                let id = try await create()
                return (id, try await read(id))
            }, read: read)
    }

    /// Runs `make` once per key; it answers the first time with what it made (no second read),
    /// and `read` answers retries from the stored id.
    func run<Result: Sendable>(
        key: String?, operation: String, body: some Encodable, make: () async throws -> (UUID, Result),
        read: (UUID) async throws -> Result
    ) async throws -> Result {
        guard let key else { return try await make().1 }
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy(Self.allowed.contains) else {
            throw APIProblem(
                status: .badRequest, reason: "Idempotency-Key has 1 to 255 of A-Z a-z 0-9 . _ : ~ / = -.",
                fields: [.init(field: "Idempotency-Key", message: "Use 1 to 255 of A-Z a-z 0-9 . _ : ~ / = -.")])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let digest = SHA256.hash(data: Data(operation.utf8) + (try encoder.encode(body)))
        let requestHash = Hex.encode(digest)
        if let id = try await existing(key: key, operation: operation, requestHash: requestHash) {
            return try await read(id)
        }
        let record = IdempotencyRecord(reserving: key, for: userID, operation: operation, requestHash: requestHash)
        do {
            try await record.create(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another request reserved the key between our look and our insert. (Any other
            // failure, such as a database that is away or full, is not about the key.)
            if let id = try await existing(key: key, operation: operation, requestHash: requestHash) {
                return try await read(id)
            }
            throw Self.running
        }
        let id: UUID
        let result: Result
        do {
            (id, result) = try await make()
        } catch let refusal as ServiceError {
            // Refused before anything was stored: the key may be used again.
            try? await record.delete(on: req.db)
            throw refusal
        }
        // Any other failure leaves the reservation: something may have been stored, and a
        // retry must not make it twice.
        record.responseStatus = 201
        record.responseBody = id.uuidString
        try await record.save(on: req.db)
        return result
    }

    static let running = APIProblem(
        status: .conflict,
        reason: "A request with this Idempotency-Key is still running or did not finish; use a new key.")

    /// The id a key produced, nil when the key is new (or expired), or a refusal.
    private func existing(key: String, operation: String, requestHash: String) async throws -> UUID? {
        guard
            let found = try await IdempotencyRecord.query(on: req.db).filter(\.$userID == userID)
                .filter(\.$key == key).first()
        else { return nil }
        if Date().timeIntervalSince(found.createdAt ?? .distantPast) > Self.lifetime {
            try await found.delete(on: req.db)
            return nil
        }
        guard found.operation == operation, found.requestHash == requestHash else {
            throw APIProblem(
                status: .unprocessableEntity,
                reason: "This Idempotency-Key was used with a different request.",
                fields: [.init(field: "Idempotency-Key", message: "Use a new key for a new request.")])
        }
        guard found.responseStatus == 201, let id = UUID(uuidString: found.responseBody) else { throw Self.running }
        return id
    }
}
