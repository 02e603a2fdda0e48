import Crypto
import Fluent
import Foundation
import Vapor

/// `Idempotency-Key` on creates: the first request with a key reserves it, runs, and stores
/// its answer; a retry with the same key and body gets that answer again; the same key with
/// another body is refused (422), and a retry while the first is still running gets 409.
struct Idempotency {
    let req: Request
    let userID: UUID

    /// A reservation older than this is taken to be from a request that never finished.
    static let abandonedAfter: TimeInterval = 60

    /// Characters that pass through headers unchanged (no percent, comma or plus signs).
    static let allowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:~/=-")

    func run<Result: Codable & Sendable>(
        key: String?, operation: String, body: some Encodable, _ create: () async throws -> Result
    ) async throws -> Result {
        guard let key else { return try await create() }
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy(Self.allowed.contains) else {
            throw APIProblem(
                status: .badRequest, reason: "Idempotency-Key has 1 to 255 of A-Z a-z 0-9 . _ : ~ / = -.",
                fields: [.init(field: "Idempotency-Key", message: "Use 1 to 255 of A-Z a-z 0-9 . _ : ~ / = -.")])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let digest = SHA256.hash(data: Data(operation.utf8) + (try encoder.encode(body)))
        let requestHash = digest.map { String(format: "%02x", $0) }.joined()
        if let replay: Result = try await existing(key: key, operation: operation, requestHash: requestHash) {
            return replay
        }
        let record = IdempotencyRecord()
        record.userID = userID
        record.key = key
        record.operation = operation
        record.requestHash = requestHash
        record.responseStatus = 0
        record.responseBody = ""
        do {
            try await record.create(on: req.db)
        } catch {
            // Another request reserved the key between our look and our insert.
            if let replay: Result = try await existing(key: key, operation: operation, requestHash: requestHash) {
                return replay
            }
            throw APIProblem(status: .conflict, reason: "A request with this Idempotency-Key is still running.")
        }
        let result: Result
        do {
            result = try await create()
        } catch {
            try? await record.delete(on: req.db)
            throw error
        }
        record.responseStatus = 201
        record.responseBody = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        try await record.save(on: req.db)
        return result
    }

    private func existing<Result: Decodable>(key: String, operation: String, requestHash: String) async throws
        -> Result?
    {
        guard
            let found = try await IdempotencyRecord.query(on: req.db).filter(\.$userID == userID)
                .filter(\.$key == key).first()
        else { return nil }
        guard found.operation == operation, found.requestHash == requestHash else {
            throw APIProblem(
                status: .unprocessableEntity,
                reason: "This Idempotency-Key was used with a different request.",
                fields: [.init(field: "Idempotency-Key", message: "Use a new key for a new request.")])
        }
        if found.responseStatus == 0 {
            if Date().timeIntervalSince(found.createdAt ?? .distantPast) > Self.abandonedAfter {
                try await found.delete(on: req.db)
                return nil
            }
            throw APIProblem(status: .conflict, reason: "A request with this Idempotency-Key is still running.")
        }
        return try JSONDecoder().decode(Result.self, from: Data(found.responseBody.utf8))
    }
}
