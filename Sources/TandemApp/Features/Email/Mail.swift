import Fluent
import Foundation
import TandemKit
import Vapor

/// Messages Tandem sends, written from message keys in the reader's language and queued in
/// the outbox. What they say stays short of anything personal beyond a first name and a
/// time: a phone's lock screen shows them to whoever is near.
enum Mail {
    /// Queues one message; false when e-mail is off (no TANDEM_SMTP_HOST) or not queued.
    @discardableResult
    static func queue(
        _ app: Application, on db: any Database, organizationID: UUID?, to recipient: String, language: Language,
        subjectKey: String, bodyKey: String, values: [String: String], kind: String, dedupeKey: String? = nil,
        expiresAt: Date? = nil, now: Date = Date()
    ) async throws -> Bool {
        guard app.tandemSettings.smtp != nil else { return false }
        let messages = app.tandem.messages[language] ?? app.tandem.messages[.en] ?? MessageTable(messages: [:])
        let body = messages.text(bodyKey, values) + "\n\n" + messages.text("email_footer")
        return try await Outbox.enqueue(
            on: db, organizationID: organizationID, recipient: recipient, subject: messages.text(subjectKey),
            body: body, kind: kind, dedupeKey: dedupeKey, expiresAt: expiresAt, now: now)
    }

    /// A link in a message sent because of a public form (a program sign-up, following the
    /// site): from the public address only, never from the Host the form's request named,
    /// which anyone can set.
    static func publicLink(_ app: Application, _ path: String) -> String {
        (app.tandemSettings.baseURL ?? "http://localhost:8080") + path
    }

    /// The link of an invitation, by e-mail too (not sent once the link has stopped working).
    static func invitation(_ req: Request, to email: String, link: String, organizationID: UUID) async throws -> Bool {
        let hours = req.application.tandemSettings.linkValidityHours
        return try await queue(
            req.application, on: req.writeDB, organizationID: organizationID, to: FieldRules.normalizedEmail(email),
            language: req.language, subjectKey: "email_invite_subject", bodyKey: "email_invite_body",
            values: ["link": link, "hours": String(hours)], kind: "invitation",
            expiresAt: Date().addingTimeInterval(Double(hours) * 3600))
    }

    /// A password reset link, by e-mail to the account's address.
    static func passwordReset(_ req: Request, to user: User, link: String, organizationID: UUID) async throws -> Bool {
        try await queue(
            req.application, on: req.writeDB, organizationID: organizationID, to: user.email,
            language: Language(rawValue: user.language) ?? req.language, subjectKey: "email_reset_subject",
            bodyKey: "email_reset_body",
            values: [
                "name": firstName(user.displayName), "link": link, "hours": String(AccountService.resetLinkHours),
            ], kind: "password_reset",
            expiresAt: Date().addingTimeInterval(Double(AccountService.resetLinkHours) * 3600))
    }
}
