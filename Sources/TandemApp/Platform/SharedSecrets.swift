import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Keys every process sharing the database must agree on, made by whichever process needs
/// one first and kept in `shared_secrets`; each process remembers what it has read.
actor SharedSecrets {
    private var known: [String: Data] = [:]

    func key(_ name: String, on db: any Database) async throws -> Data {
        if let key = known[name] { return key }
        guard let sql = db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
        // A second process making one at the same moment loses the race and reads the first's.
        let made = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        try await sql.raw(
            "INSERT INTO shared_secrets (name, value) VALUES (\(bind: name), \(bind: made)) ON CONFLICT (name) DO NOTHING"
        ).run()
        let stored = try await sql.raw("SELECT value FROM shared_secrets WHERE name = \(bind: name)").first()?
            .decode(column: "value", as: String.self)
        guard let stored, let bytes = Data(base64Encoded: stored), bytes.count == 32 else {
            throw Abort(.serviceUnavailable)
        }
        known[name] = bytes
        return bytes
    }
}
