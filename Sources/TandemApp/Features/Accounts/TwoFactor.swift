import Fluent
import Foundation
import TandemKit

/// Two-factor sign-in with TOTP and recovery codes.
struct TwoFactor {
    let db: any Database

    /// Starts set-up: a new pending secret, kept until confirmed with a code.
    func begin(_ user: User) async throws -> String {
        if let pending = user.totpPendingSecret { return pending }
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
        try await db.transaction { db in
            user.totpSecret = pending
            user.totpPendingSecret = nil
            user.totpLastCounter = counter
            try await user.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$user.$id == user.id!).delete()
            for code in codes {
                try await RecoveryCode(userID: user.id!, codeHash: SecureToken.hash(RecoveryCodes.normalize(code)))
                    .create(on: db)
            }
        }
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
        let digits = code.filter { !$0.isWhitespace }
        if digits.count == 6, digits.allSatisfy(\.isNumber) {
            guard let counter = TOTP(secret: secret).matchingCounter(for: digits, at: now) else { return false }
            return try await db.transaction { db in
                guard let fresh = try await User.find(user.id, on: db) else { return false }
                if let last = fresh.totpLastCounter, counter <= last { return false }
                fresh.totpLastCounter = counter
                try await fresh.save(on: db)
                user.totpLastCounter = counter
                return true
            }
        }
        let normalized = RecoveryCodes.normalize(code)
        guard normalized.count == 10 else { return false }
        guard
            let stored = try await RecoveryCode.query(on: db)
                .filter(\.$user.$id == user.id!).filter(\.$codeHash == SecureToken.hash(normalized))
                .filter(\.$usedAt == nil).first()
        else { return false }
        stored.usedAt = now
        try await stored.save(on: db)
        return true
    }
}
