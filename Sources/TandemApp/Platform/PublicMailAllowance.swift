import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// How much e-mail one client may have Tandem send from its public forms (joining a program,
/// following an organization's articles). Each address already gets at most one such message
/// an hour; this keeps one machine from having Tandem write to many addresses, which would
/// trouble strangers and cost the organization's mail its good name. The count is kept in the
/// database, so every process shares it, under a hash of the client's address.
enum PublicMailAllowance {
    /// Messages a client may ask for in an hour. Many people can share an address (an office,
    /// a phone carrier), so there is room; sending these forms is rare for anyone.
    static let perHour = 10
    static let window: TimeInterval = 3600

    /// Counts one message for the request's client, in one statement so requests at once are
    /// all counted; over the allowance, answers 429 with when to try again, and the caller
    /// writes nothing. A request without a known address (none reaches a real server so) shares
    /// one count with every other such request.
    static func spend(_ req: Request, now: Date = Date()) async throws {
        guard let sql = req.db as? any SQLDatabase else { return }
        let key = "mail:" + SecureToken.hash(req.clientAddress ?? "unknown")
        let windowStart = now.addingTimeInterval(-window)
        guard
            let row = try await sql.raw(
                """
                INSERT INTO public_form_counts (key, count, window_start) VALUES (\(bind: key), 1, \(bind: now))
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN public_form_counts.window_start <= \(bind: windowStart) THEN 1 ELSE public_form_counts.count + 1 END,
                  window_start = CASE WHEN public_form_counts.window_start <= \(bind: windowStart) THEN excluded.window_start ELSE public_form_counts.window_start END
                RETURNING count, window_start
                """
            ).first()
        else { return }
        let count = try row.decode(column: "count", as: Int.self)
        guard count > perHour else { return }
        let started = try row.decode(column: "window_start", as: Date.self)
        let wait = max(1, Int(started.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
        throw Abort(.tooManyRequests, headers: ["Retry-After": String(wait)], reason: "error_too_many_mail")
    }

    /// Forgets counts whose hour is long over.
    static func purge(on db: any Database, now: Date = Date()) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw(
            "DELETE FROM public_form_counts WHERE window_start < \(bind: now.addingTimeInterval(-86_400))"
        )
        .run()
    }
}
