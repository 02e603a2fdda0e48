import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Secure messaging: one thread per engagement between the person and that engagement's
/// coaches. Opening a thread and sending are audited (never with the text); each member's
/// reading point gives unread counts and read receipts; every send and read is relayed live
/// to the others' open pages. A crisis phrase in the person's own message raises an alert.
struct MessageService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    struct Thread: Sendable {
        let engagement: Engagement
        let participant: Participant
        let relation: ParticipantRelation
        /// Everyone in the thread: the person's sign-in and the engagement's coaches.
        let members: [UUID]
    }

    /// The engagement's thread, if the actor is its person or one of its coaches. Its coaches
    /// are read once: they say both whether the actor coaches it and whom to tell of a change.
    func thread(_ engagementID: UUID) async throws -> Thread {
        guard let engagement = try await scope.engagement(engagementID),
            let participant = try await scope.participant(engagement.$participant.id)
        else { throw ServiceError.notFound }
        let coaches = try await scope.engagementCoaches().filter(\.$engagement.$id == engagementID).all(\.$coach.$id)
        let relation = ParticipantRelation(
            isSelf: participant.$user.id != nil && participant.$user.id == actor.userID,
            isTheirCoach: coaches.contains(actor.userID))
        guard ParticipantAccess.can(actor.role, .message, relation) else {
            try await people.audit("message_thread.view", outcome: .denied, participant: participant.id)
            throw ServiceError.denied
        }
        return Thread(
            engagement: engagement, participant: participant, relation: relation,
            members: Array(Set(coaches + [participant.$user.id].compactMap { $0 })))
    }

    /// Everyone in the thread: the person's sign-in and the engagement's coaches.
    func members(_ thread: Thread) -> [UUID] { thread.members }

    struct Opened: Sendable {
        let thread: Thread
        let messages: [Message]
        /// When the others last read the thread: a message of the actor sent before it was seen.
        let othersReadAt: Date?
    }

    /// Opens a thread: its latest messages, oldest first, marked read for the actor. Audited.
    func open(_ engagementID: UUID, limit: Int = 200, now: Date = Date()) async throws -> Opened {
        let thread = try await thread(engagementID)
        let messages = try await Message.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$engagementID == engagementID).sort(\.$createdAt, .descending).limit(limit).all()
        try await markRead(thread, at: now)
        try await people.audit(
            "message_thread.view", participant: thread.participant.id, subjectType: "engagement", subject: engagementID)
        return Opened(
            thread: thread, messages: messages.reversed(), othersReadAt: try await othersReadAt(thread))
    }

    /// One message of a thread the actor is in (an API retry reads the message it sent).
    func message(_ id: UUID, in engagementID: UUID) async throws -> Message {
        _ = try await thread(engagementID)
        guard
            let message = try await Message.query(on: req.db).filter(\.$engagementID == engagementID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        return message
    }

    /// When the other side last read the thread: for the person, any of their coaches; for a
    /// coach, the person (another coach opening it is not the person having seen it).
    func othersReadAt(_ thread: Thread) async throws -> Date? {
        var query = MessageRead.query(on: req.db).filter(\.$engagementID == thread.engagement.id!)
        if thread.relation.isSelf {
            query = query.filter(\.$userID != actor.userID)
        } else {
            guard let person = thread.participant.$user.id else { return nil }
            query = query.filter(\.$userID == person)
        }
        return try await query.all().map(\.readAt).max()
    }

    /// The receipt and the messages a page has not shown yet (sent after `since`), read when
    /// its socket opens so nothing sent while it was loading or reconnecting is missed.
    func catchUp(_ engagementID: UUID, since: Date?) async throws -> (Date?, [Message]) {
        let thread = try await thread(engagementID)
        var query = Message.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$engagementID == engagementID)
        if let since { query = query.filter(\.$createdAt > since) }
        let messages = try await query.sort(\.$createdAt, .descending).limit(200).all()
        return (try await othersReadAt(thread), messages.reversed())
    }

    /// Records that the actor has read the thread up to `now`, and tells the others.
    func markRead(_ thread: Thread, at now: Date = Date()) async throws {
        let reading = readingPoint(thread, at: now)
        try await req.frequentWrites.run { try await reading($0) }
        await tellRead(thread, at: now)
    }

    /// The actor's reading point in `thread`: one statement whether or not they have read it
    /// before.
    private func readingPoint(_ thread: Thread, at now: Date) -> AuditLog.Work {
        let statement: SQLQueryString = """
            INSERT INTO message_reads (id, organization_id, engagement_id, user_id, read_at) VALUES \
            (\(bind: UUID()), \(bind: actor.organizationID), \(bind: thread.engagement.id!), \(bind: actor.userID), \
            \(bind: now)) ON CONFLICT (engagement_id, user_id) DO UPDATE SET read_at = excluded.read_at
            """
        return { db in
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw(statement).run()
        }
    }

    private func tellRead(_ thread: Thread, at now: Date) async {
        let engagementID = thread.engagement.id!
        await MessageRelay.publishQuietly(
            MessageEvent(
                kind: .read, organizationID: actor.organizationID, engagementID: engagementID, messageID: nil,
                readerID: actor.userID, readAt: now, recipients: members(thread).filter { $0 != actor.userID }),
            req: req)
    }

    /// Marks read from the page's script, after a message arrived live.
    func read(_ engagementID: UUID) async throws {
        try await markRead(try await thread(engagementID))
    }

    /// Sends a message; the crisis card shows when the person's own words may mean danger
    /// (`raisedAlert`).
    func send(_ engagementID: UUID, body: String, now: Date = Date()) async throws -> (Message, raisedAlert: Bool) {
        let thread = try await thread(engagementID)
        // Coaching that ended has no one reading; the person is pointed to their open support.
        guard thread.engagement.status.isOpen else { throw ServiceError.conflict("error_message_closed") }
        let problems = MessageRules.problems(body: body)
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let id = UUID()
        let (organizationID, participantID, senderID) = (actor.organizationID, thread.participant.id!, actor.userID)
        let senderName = actor.user.displayName
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        // A fresh model each time the write runs: a batch that fails is written again, and a
        // model that was created once cannot be created a second time.
        let make = { @Sendable () -> Message in
            let message = Message()
            message.id = id
            message.organizationID = organizationID
            message.engagementID = engagementID
            message.participantID = participantID
            message.senderID = senderID
            message.senderName = senderName
            message.body = text
            message.createdAt = now
            return message
        }
        let message = make()
        // The message and the sender's reading point (they have read the thread up to now,
        // so the others' pages show their messages seen) go in the same commit, and on SQLite
        // with the audit entry too.
        let reading = readingPoint(thread, at: now)
        let writes = req.frequentWrites
        let entry = people.auditEntry("message.send", participant: participantID, subjectType: "message", subject: id)
        try await writes.run(
            { db in
                try await make().create(on: db)
                try await reading(db)
            }, audited: writes.together ? entry : nil)
        // Before anything else that could fail: the alert is what matters most.
        var raised = false
        if thread.relation.isSelf {
            let phrases = CrisisPhrases.matches(in: text)
            if !phrases.isEmpty {
                try await SafetyService(req: req, people: people).raise(
                    thread.participant, source: .message, key: "message:\(id.uuidString)", now: now)
                raised = true
            }
        }
        // On PostgreSQL the entry is its own write: after the alert, as above.
        if !writes.together {
            try await people.audit("message.send", participant: participantID, subjectType: "message", subject: id)
        }
        await tellRead(thread, at: now)
        await MessageRelay.publishQuietly(
            MessageEvent(
                kind: .message, organizationID: actor.organizationID, engagementID: engagementID,
                messageID: message.id, readerID: nil, readAt: nil,
                recipients: members(thread).filter { $0 != actor.userID }), req: req)
        return (message, raised)
    }

    struct Summary: Sendable {
        let engagement: Engagement
        let participantName: String
        let lastAt: Date?
        let unread: Int
        /// The engagement's coaches by name: the thread's name for the person it is about.
        var coachNames: [String] = []
    }

    /// The actor's threads: the engagements of their own record, or those they coach, with
    /// unread counts, the most recent first.
    func threads(limit: Int = 100) async throws -> [Summary] {
        var engagements: [Engagement] = []
        if actor.role.hasOwnRecord {
            if let own = try await scope.participants().filter(\.$user.$id == actor.userID).first() {
                engagements = try await scope.engagements().filter(\.$participant.$id == own.id!).all()
            }
        } else if actor.role.isStaff {
            let ids = try await scope.engagementCoaches().filter(\.$coach.$id == actor.userID).all(\.$engagement.$id)
            if !ids.isEmpty {
                engagements = try await scope.engagements().filter(\.$id ~~ ids)
                    .filter(\.$status !~ [.completed, .closed]).all()
            }
        }
        guard !engagements.isEmpty else { return [] }
        let ids = engagements.map { $0.id! }
        let names = Dictionary(
            try await scope.participants().filter(\.$id ~~ Set(engagements.map { $0.$participant.id })).all()
                .map { ($0.id!, $0.preferredName) }, uniquingKeysWith: { first, _ in first })
        // The person's own threads are named by their coaches (their own name says nothing).
        var coachNames: [UUID: [String]] = [:]
        if actor.role.hasOwnRecord {
            let links = try await scope.engagementCoaches().filter(\.$engagement.$id ~~ ids).all()
            let users = Dictionary(
                try await User.query(on: req.db).filter(\.$id ~~ Set(links.map { $0.$coach.id })).all()
                    .map { ($0.id!, $0.displayName) }, uniquingKeysWith: { first, _ in first })
            for link in links.sorted(by: { ($0.isPrimary ? 0 : 1) < ($1.isPrimary ? 0 : 1) }) {
                coachNames[link.$engagement.id, default: []].append(users[link.$coach.id] ?? "")
            }
        }
        let activity = try await activity(of: ids)
        let summaries = engagements.map { engagement in
            Summary(
                engagement: engagement, participantName: names[engagement.$participant.id] ?? "",
                lastAt: activity[engagement.id!]?.lastAt, unread: activity[engagement.id!]?.unread ?? 0,
                coachNames: coachNames[engagement.id!] ?? [])
        }
        return Array(
            summaries.sorted {
                ($0.lastAt ?? .distantPast, $0.participantName) > ($1.lastAt ?? .distantPast, $1.participantName)
            }
            .prefix(limit))
    }

    /// Each thread's last message time and how many of the others' messages came after the
    /// actor's reading point, for all of `engagements` in one statement (a coach has a thread
    /// for every person they coach). Each is read from `messages_thread`: the last message is
    /// one seek, and the unread ones the range after the reading point.
    private func activity(of engagements: [UUID]) async throws -> [UUID: (lastAt: Date?, unread: Int)] {
        guard let sql = req.db as? any SQLDatabase else { return [:] }
        let user = actor.userID
        let rows = try await sql.raw(
            """
            SELECT e.id, (SELECT MAX(m.created_at) FROM messages m WHERE m.engagement_id = e.id) AS last_at, \
            CASE WHEN r.read_at IS NULL THEN \
            (SELECT COUNT(*) FROM messages m WHERE m.engagement_id = e.id AND m.sender_id <> \(bind: user)) \
            ELSE (SELECT COUNT(*) FROM messages m WHERE m.engagement_id = e.id AND m.created_at > r.read_at \
            AND m.sender_id <> \(bind: user)) END AS unread \
            FROM engagements e LEFT JOIN message_reads r ON r.engagement_id = e.id AND r.user_id = \(bind: user) \
            WHERE e.organization_id = \(bind: actor.organizationID) AND e.id IN (\(binds: engagements))
            """
        ).all()
        var activity: [UUID: (lastAt: Date?, unread: Int)] = [:]
        for row in rows {
            activity[try row.uuid("id")] = (
                try row.optional("last_at", as: Date.self), try row.decode(column: "unread", as: Int.self)
            )
        }
        return activity
    }

    /// Deletes the messages older than each organization keeps them.
    static func applyRetention(on db: any Database, now: Date = Date()) async throws -> Int {
        var removed = 0
        for setting in try await MessageSettings.query(on: db).filter(\.$retentionDays > 0).all() {
            let cutoff = now.addingTimeInterval(-Double(setting.retentionDays) * 86_400)
            let old = Message.query(on: db).filter(\.$organizationID == setting.organizationID)
                .filter(\.$createdAt < cutoff)
            removed += try await old.count()
            try await old.delete()
        }
        return removed
    }
}

/// Deletes messages past their organization's retention once an hour, program sign-ups
/// whose link lapsed, and the public forms' counts of mail whose hour is long over.
final class MessageRetentionWorker: LifecycleHandler, Sendable {
    private let task = BackgroundTask()

    func didBootAsync(_ app: Application) async throws {
        guard OutboxWorker.isServing(app) else { return }
        let running = Task {
            while !Task.isCancelled {
                await ScheduledJobs.run("message retention", every: 3600, app) {
                    _ = try await MessageService.applyRetention(on: app.writeDB)
                }
                // Here rather than with the mail: sign-ups made while e-mail was on must go
                // even if it is turned off.
                await ScheduledJobs.run("lapsed program sign-ups", every: 3600, app) {
                    try await ProgramService.purgeLapsedSignUps(on: app.writeDB)
                }
                await ScheduledJobs.run("public form counts", every: 3600, app) {
                    try await PublicMailAllowance.purge(on: app.writeDB)
                }
                await ScheduledJobs.run("sent form keys", every: 3600, app) {
                    try await FormOnceMiddleware.purge(on: app.writeDB)
                }
                try? await Task.sleep(nanoseconds: 3_600_000_000_000)
            }
        }
        task.start(running)
    }

    func shutdownAsync(_ app: Application) async {
        await task.stop()
    }
}
