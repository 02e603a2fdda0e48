import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// A participant's sign-in parted from one organization, when their record there is deleted or
/// anonymized: the sign-in must no longer reach anything of that organization, and a sign-in
/// used by no other organization must no longer identify the person or open anything.
enum SignInRelease {
    /// A password digest of a secret nobody keeps, for a sign-in that can never be used again.
    /// Worked out before the caller's transaction: hashing is slow on purpose.
    static func unusablePassword(_ req: Request) async throws -> String {
        try await req.password.async.hash(PasswordDigest.prepare(UUID().uuidString + UUID().uuidString))
    }

    /// Ends `userID`'s membership, sessions, tokens, kept meetings and queued mail in
    /// `organizationID`; another organization the person belongs to keeps theirs (a person may
    /// have joined its program on their own). A sign-in left with no organization loses every
    /// session, token and queued message. Returns whether the sign-in belongs anywhere still.
    /// In the caller's transaction. A member removed by an admin leaves this way too.
    @discardableResult
    static func leave(_ userID: UUID, from organizationID: UUID, on db: any Database) async throws -> Bool {
        guard let user = try await User.find(userID, on: db) else { return false }
        try await Membership.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$organization.$id == organizationID).delete()
        try await WebSession.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$organization.$id == organizationID).delete()
        try await ApiToken.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$organizationID == organizationID).delete()
        try await OutboxMessage.query(on: db).filter(\.$recipient == user.email)
            .filter(\.$organizationID == organizationID).filter(\.$status == .queued).delete()
        try await (db as? any SQLDatabase)?.raw(
            """
            DELETE FROM saved_meetings WHERE user_id = \(bind: userID) \
            AND organization_id = \(bind: organizationID)
            """
        ).run()
        guard try await Membership.query(on: db).filter(\.$user.$id == userID).count() == 0 else { return true }
        try await WebSession.query(on: db).filter(\.$user.$id == userID).delete()
        try await ApiToken.query(on: db).filter(\.$user.$id == userID).delete()
        try await OutboxMessage.query(on: db).filter(\.$recipient == user.email).filter(\.$status == .queued).delete()
        return false
    }

    /// `leave`, and a sign-in left with no organization no longer names the person: its name
    /// and address become `label` and an address that cannot receive mail, its password one
    /// nobody knows. In the caller's transaction.
    static func release(
        _ userID: UUID, from organizationID: UUID, label: String, unusablePassword: String, on db: any Database
    ) async throws {
        guard !(try await leave(userID, from: organizationID, on: db)),
            let user = try await User.find(userID, on: db)
        else { return }
        user.displayName = label
        user.email = "anonymized-\(userID.uuidString.lowercased())@invalid"
        user.passwordHash = unusablePassword
        user.totpSecret = nil
        user.totpPendingSecret = nil
        try await user.save(on: db)
    }
}
