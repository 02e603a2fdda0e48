import Fluent
import Foundation
import TandemKit
import Vapor

/// Messaging pages: the list of threads, one thread (works without JavaScript: the form posts
/// and the page reloads; with it, new messages and read receipts arrive over a web socket),
/// the web socket itself, and the organization's retention setting.
struct MessageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("messages", use: list)
        routes.get("messages", "live", use: live)
        routes.get("messages", ":engagementID", use: show)
        routes.post("messages", ":engagementID", use: send)
        routes.post("messages", ":engagementID", "read", use: read)
        routes.get("messages", ":engagementID", "receipt", use: receipt)
        routes.get("admin", "messages", use: settings)
        routes.post("admin", "messages", use: saveSettings)
    }

    struct ThreadRow: Encodable, Sendable {
        let engagementID: String
        let name: String
        let service: String
        let last: String
        let unread: Int
        let unreadText: String
    }

    struct ListBody: Encodable, Sendable {
        let rows: [ThreadRow]
        /// Staff write to the people they coach; the person to their coaches.
        var isStaff = false
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let threads = try await MessageService(req, actor: signedIn.actor).threads()
        return try await req.page(
            "messages/list", titleKey: "messages_title",
            ListBody(
                rows: threads.map {
                    ThreadRow(
                        engagementID: $0.engagement.id!.uuidString,
                        name: $0.coachNames.isEmpty ? $0.participantName : $0.coachNames.joined(separator: ", "),
                        service: req.t("service_" + $0.engagement.serviceType.rawValue),
                        last: $0.lastAt.map { req.dateTime($0, organization: signedIn.organization) } ?? "",
                        unread: $0.unread, unreadText: Self.unreadText($0.unread, req: req))
                }, isStaff: signedIn.role.isStaff))
    }

    /// "1 new", "3 new" (in Spanish "1 nuevo", "3 nuevos").
    static func unreadText(_ count: Int, req: Request) -> String {
        req.t(count == 1 ? "messages_unread_one" : "messages_unread_many", ["count": String(count)])
    }

    struct MessageRow: Encodable, Sendable {
        let id: String
        let sender: String
        let mine: Bool
        let body: String
        let sent: String
        let sentISO: String
        let seen: Bool
    }

    struct ThreadBody: Encodable, Sendable {
        let engagementID: String
        let participantID: String
        let name: String
        let service: String
        let me: String
        let isSelf: Bool
        /// Whether the support is still going: an ended one's conversation is read, not written.
        let open: Bool
        let messages: [MessageRow]
        let body: String
        let care: Bool
        let card: SafetyController.CrisisCard?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let care = req.query[String.self, at: "care"] != nil
        return try await threadPage(req: req, signedIn: signedIn, id: try req.id("engagementID"), care: care)
    }

    func threadPage(
        req: Request, signedIn: SignedIn, id: UUID, body: String = "", care: Bool = false, errors: [FieldError] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let opened = try await MessageService(req, actor: signedIn.actor).open(id)
        let thread = opened.thread
        return try await req.page(
            "messages/thread", titleKey: "messages_thread_title",
            ThreadBody(
                engagementID: id.uuidString, participantID: thread.participant.id!.uuidString,
                name: thread.participant.preferredName,
                service: req.t("service_" + thread.engagement.serviceType.rawValue),
                me: signedIn.userID.uuidString, isSelf: thread.relation.isSelf,
                open: thread.engagement.status.isOpen,
                messages: opened.messages.map { message in
                    let mine = message.senderID == signedIn.userID
                    return MessageRow(
                        id: message.id!.uuidString, sender: message.senderName, mine: mine, body: message.body,
                        sent: req.dateTime(message.createdAt, organization: signedIn.organization),
                        sentISO: MessageRelay.iso(message.createdAt),
                        seen: mine && (opened.othersReadAt.map { $0 >= message.createdAt } ?? false))
                }, body: body, care: care,
                card: care
                    ? try await SafetyController.card(signedIn, req: req, wrote: thread.relation.isSelf) : nil),
            errors: errors, status: status)
    }

    struct SendForm: Content {
        var body: String?
    }

    @Sendable func send(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("engagementID")
        let form = (try? req.content.decode(SendForm.self)) ?? SendForm()
        do {
            let (_, raised) = try await MessageService(req, actor: signedIn.actor).send(id, body: form.body ?? "")
            return .redirect("/messages/\(id)" + (raised ? "?care=1" : "") + "#message-form")
        } catch ServiceError.invalid(let problems) {
            return try await threadPage(
                req: req, signedIn: signedIn, id: id, body: form.body ?? "", errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        }
    }

    struct Receipt: Content {
        let othersReadAt: Date?
        let messages: [MessageRelay.LiveMessage]
    }

    /// When the others last read the thread and the messages after `since`: the page asks
    /// once its socket is open, so nothing that happened while it loaded or reconnected is
    /// missed. Reading only: nothing is marked read.
    @Sendable func receipt(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let since = req.query[String.self, at: "since"].flatMap(MessageRelay.date)
        let (readAt, messages) = try await MessageService(req, actor: signedIn.actor).catchUp(
            try req.id("engagementID"), since: since)
        let response = Response(status: .ok)
        try response.content.encode(
            Receipt(othersReadAt: readAt, messages: messages.map(MessageRelay.live)), using: MessageRelay.jsonEncoder)
        return response
    }

    @Sendable func read(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        try await MessageService(req, actor: signedIn.actor).read(try req.id("engagementID"))
        return Response(status: .noContent)
    }

    /// The web socket of live messages; like every page, it sends a visitor who is not signed
    /// in to sign in.
    @Sendable func live(req: Request) async throws -> Response {
        _ = try await req.signedIn()
        return req.webSocket(shouldUpgrade: Self.shouldUpgrade, onUpgrade: Self.onUpgrade)
    }

    /// Only a signed-in page of this site may open the socket: the session cookie says who,
    /// and the Origin must be this site's own, so another site cannot open it in their name.
    @Sendable static func shouldUpgrade(_ req: Request) async throws -> HTTPHeaders? {
        // This site is the configured address when there is one (a proxy may rewrite Host).
        let site = req.tandem.settings.baseURL.flatMap(URL.init(string:)).flatMap(Self.hostAndPort)
        guard let host = site ?? req.headers.first(name: .host)?.lowercased() else { return nil }
        if let origin = req.headers.first(name: .origin) {
            guard URL(string: origin).flatMap(Self.hostAndPort) == host else { return nil }
        }
        guard await req.optionalSignedIn() != nil else { return nil }
        return [:]
    }

    static func hostAndPort(_ url: URL) -> String? {
        url.host.map { $0.lowercased() + (url.port.map { ":\($0)" } ?? "") }
    }

    /// Keeps the socket only while its session lasts: checked every minute, so signing out,
    /// the idle or absolute timeout, or a password change (which ends sessions) closes it.
    @Sendable static func onUpgrade(_ req: Request, _ socket: WebSocket) async {
        guard let signedIn = await req.optionalSignedIn(), let sessionID = req.webSession?.id else {
            try? await socket.close()
            return
        }
        let hub = req.tandem.hub
        let user = signedIn.userID
        let settings = req.tandem.settings
        let db = req.db
        socket.pingInterval = .seconds(30)
        await hub.add(socket, for: user, in: signedIn.organizationID)
        socket.onClose.whenComplete { _ in
            Task { await hub.remove(socket, for: user) }
        }
        Task {
            while !socket.isClosed {
                try? await Task.sleep(nanoseconds: 60_000_000_000)
                let session = try? await WebSession.find(sessionID, on: db)
                let now = Date()
                let alive =
                    session.map {
                        now.timeIntervalSince($0.lastSeenAt) <= TimeInterval(settings.sessionIdleMinutes * 60)
                            && now.timeIntervalSince($0.createdAt) <= TimeInterval(settings.sessionAbsoluteHours * 3600)
                    } ?? false
                if !alive {
                    await hub.remove(socket, for: user)
                    try? await socket.close()
                }
            }
        }
    }

    struct SettingsBody: Encodable, Sendable {
        let options: [SelectOption]
        let saved: Bool
    }

    @Sendable func settings(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let days =
            try await MessageSettings.query(on: req.db).filter(\.$organizationID == signedIn.organizationID)
            .first()?.retentionDays ?? 0
        return try await req.page(
            "messages/settings", titleKey: "messages_settings_title",
            SettingsBody(
                options: MessageRules.retentionChoices.map {
                    SelectOption(
                        value: String($0),
                        label: $0 == 0
                            ? req.t("messages_keep_always") : req.t("messages_keep_days", ["days": String($0)]),
                        selected: $0 == days)
                }, saved: req.query[String.self, at: "saved"] != nil))
    }

    struct SettingsForm: Content {
        var retention_days: String?
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        guard let days = form.retention_days.flatMap(Int.init), MessageRules.isRetention(days) else {
            throw Abort(.unprocessableEntity, reason: "Choose one of the offered periods.")
        }
        let setting =
            try await MessageSettings.query(on: req.db).filter(\.$organizationID == signedIn.organizationID).first()
            ?? MessageSettings()
        setting.organizationID = signedIn.organizationID
        setting.retentionDays = days
        try await setting.save(on: req.db)
        try await req.audit(
            "message_settings.update", actor: signedIn.userID, organization: signedIn.organizationID,
            subjectType: "organization", subject: signedIn.organizationID)
        return .redirect("/admin/messages?saved=1")
    }
}
