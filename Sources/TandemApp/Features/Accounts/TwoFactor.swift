import Fluent
import Foundation
import SQLKit
import TandemKit

/// Two-factor sign-in with TOTP and recovery codes. Every one-time value is spent with
/// a conditional update that only one of several concurrent requests can win.
struct TwoFactor {
    let db: any Database

    /// Starts set-up: a new pending secret, kept until confirmed with a code.
    func begin(_ user: User) async throws -> String {
        let secret = Base32.encode(TOTP.randomSecret())
        user.totpPendingSecret = secret
        try await user.save(on: db)
        return secret
    }

    /// Confirms set-up with a code from the app; returns the new recovery codes, shown once.
    func confirm(_ user: User, code: String, now: Date = Date()) async throws -> [String]? {
        guard let pending = user.totpPendingSecret, let secret = Base32.decode(pending),
            let counter = TOTP(secret: secret).matchingCounter(for: code, at: now)
        else { return nil }
        let codes = RecoveryCodes.generate()
        let enabled = try await db.transaction { db -> Bool in
            let rows = try await (db as! any SQLDatabase).raw(
                """
                UPDATE users SET totp_secret = \(bind: pending), totp_pending_secret = NULL, totp_last_counter = \(bind: counter)
                WHERE id = \(bind: user.id!) AND totp_secret IS NULL AND totp_pending_secret = \(bind: pending) RETURNING id
                """
            ).all()
            guard !rows.isEmpty else { return false }
            try await RecoveryCode.query(on: db).filter(\.$user.$id == user.id!).delete()
            for code in codes {
                try await RecoveryCode(userID: user.id!, codeHash: SecureToken.hash(RecoveryCodes.normalize(code)))
                    .create(on: db)
            }
            return true
        }
        guard enabled else { return nil }
        user.totpSecret = pending
        user.totpPendingSecret = nil
        user.totpLastCounter = counter
        return codes
    }

    func disable(_ user: User) async throws {
        try await db.transaction { db in
            user.totpSecret = nil
            user.totpPendingSecret = nil
            user.totpLastCounter = nil
            try await user.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$user.$id == user.id!).delete()
        }
    }

    func unusedRecoveryCodes(_ user: User) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$user.$id == user.id!).filter(\.$usedAt == nil).count()
    }

    /// True for a code of the current ±1 step that is newer than the last one accepted,
    /// or for an unused recovery code (then marked used).
    func verify(user: User, code: String, now: Date = Date()) async throws -> Bool {
        guard let encoded = user.totpSecret, let secret = Base32.decode(encoded) else { return false }
        let sql = db as! any SQLDatabase
        let digits = code.filter { !$0.isWhitespace }
        if digits.count == 6, digits.allSatisfy(\.isNumber) {
            guard let counter = TOTP(secret: secret).matchingCounter(for: digits, at: now) else { return false }
            let rows = try await sql.raw(
                """
                UPDATE users SET totp_last_counter = \(bind: counter) WHERE id = \(bind: user.id!)
                AND (totp_last_counter IS NULL OR totp_last_counter < \(bind: counter)) RETURNING id
                """
            ).all()
            if !rows.isEmpty { user.totpLastCounter = counter }
            return !rows.isEmpty
        }
        let normalized = RecoveryCodes.normalize(code)
        guard normalized.count == 10 else { return false }
        let rows = try await sql.raw(
            """
            UPDATE recovery_codes SET used_at = \(bind: now) WHERE user_id = \(bind: user.id!)
            AND code_hash = \(bind: SecureToken.hash(normalized)) AND used_at IS NULL RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }
}
