import Fluent
import Foundation
import TandemKit
import Vapor

/// The admin's view of the organization's audit trail, newest first, filtered by action
/// and outcome, 50 entries a page.
struct AuditController: RouteCollection {
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "audit", use: list)
    }

    struct Filter: Content {
        var action: String?
        var outcome: String?
        var page: Int?
        var verify: String?
    }

    struct Row: Encodable, Sendable {
        let time: String
        let actor: String
        let action: String
        /// The action as people read it, in their language.
        let actionName: String
        let outcome: String
        let failed: Bool
        let subject: String
        let requestID: String
        let clientAddress: String
    }

    struct Body: Encodable, Sendable {
        let rows: [Row]
        let actions: [SelectOption]
        let outcomes: [SelectOption]
        let page: Int
        let previousPage: Int?
        let nextPage: Int?
        let filterQuery: String
        /// nil until the admin asks: checking walks the whole trail, too much for every view.
        let chainIntact: Bool?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try await req.authorize(.viewAuditLog)
        let filter = (try? req.query.decode(Filter.self)) ?? Filter()
        let page = max(1, min(filter.page ?? 1, 100_000))
        let knownActions = try await AuditLog.actions(of: actor.organizationID, on: req.db)
        let action = filter.action.flatMap { knownActions.contains($0) ? $0 : nil }
        let outcome = filter.outcome.flatMap { AuditLog.Outcome(rawValue: $0) }
        let (events, hasMore) = try await AuditLog.entries(
            of: actor.organizationID, action: action, outcome: outcome, page: page, pageSize: Self.pageSize, on: req.db)
        let actorIDs = Set(events.compactMap(\.actorID))
        let names = try await User.query(on: req.db).filter(\.$id ~~ actorIDs).all()
            .reduce(into: [UUID: String]()) { $0[$1.id!] = $1.displayName }
        let formatter = DateFormatter.tandemShort(req.language, timeZone: actor.organization.timeZone, seconds: true)
        let rows = events.map { event in
            Row(
                time: formatter.string(from: event.occurredAt),
                actor: event.actorID.flatMap { names[$0] } ?? "—", action: event.action,
                actionName: Self.actionName(event.action, req: req),
                outcome: req.t("audit_outcome_" + event.outcome), failed: event.outcome != "success",
                subject: event.subjectType.map { type in
                    let name = AuditActionName.subjects.contains(type) ? req.t("audit_subject_" + type) : type
                    return "\(name) \(event.subjectID.map { String($0.uuidString.prefix(8)) } ?? "")"
                } ?? "",
                requestID: String((event.requestID ?? "").prefix(8)), clientAddress: event.clientAddress ?? "")
        }
        var parts: [String] = []
        if let action { parts.append("action=" + TandemURL.encode(action)) }
        if let outcome { parts.append("outcome=" + outcome.rawValue) }
        let body = Body(
            rows: rows,
            actions: knownActions.map {
                SelectOption(value: $0, label: Self.actionName($0, req: req) + " · " + $0, selected: $0 == action)
            },
            outcomes: [AuditLog.Outcome.success, .failure, .denied].map {
                SelectOption(value: $0.rawValue, label: req.t("audit_outcome_" + $0.rawValue), selected: $0 == outcome)
            },
            page: page, previousPage: page > 1 ? page - 1 : nil,
            nextPage: hasMore ? page + 1 : nil,
            filterQuery: parts.map { $0 + "&" }.joined(),
            chainIntact: filter.verify == nil ? nil : try await AuditLog.firstBrokenLink(on: req.db) == nil)
        try await req.audit("audit_log.view")
        return try await req.page("admin/audit", titleKey: "audit_title", body)
    }

    /// "Participant record: viewed" for `participant.view`; a code not named is shown as it is.
    static func actionName(_ action: String, req: Request) -> String {
        guard let keys = AuditActionName.keys(action) else { return action }
        return keys.verb.isEmpty ? req.t(keys.subject) : req.t(keys.subject) + ": " + req.t(keys.verb)
    }
}

enum TandemURL {
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

}
