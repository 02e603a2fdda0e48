import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The meetings an organization runs itself (an all-recovery meeting at its center, a family
/// group): staff add, change and remove them here; they are found like any other meeting and
/// published as the organization's Meeting Guide feed. Changes are audited.
struct OwnMeetingService {
    let req: Request
    let actor: Actor

    func source() async throws -> MeetingSource {
        try await MeetingSource.named(
            MeetingSource.ownName, kind: .own, organizationID: actor.organizationID, on: req.db)
    }

    /// The organization's own meetings, by name, with their ids.
    func list() async throws -> [(id: UUID, meeting: Meeting)] {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        guard let sql = req.db as? any SQLDatabase else { return [] }
        let source = try await source()
        return try await sql.raw(
            """
            SELECT id, \(unsafeRaw: MeetingImport.readColumns) FROM meetings WHERE source_id = \(bind: source.id!) \
            AND organization_id = \(bind: actor.organizationID) ORDER BY name, slug
            """
        ).all().map { (try $0.uuid("id"), try MeetingImport.meeting($0)) }
    }

    func meeting(_ id: UUID) async throws -> Meeting {
        guard let found = try await list().first(where: { $0.id == id }) else { throw ServiceError.notFound }
        return found.meeting
    }

    /// Adds a meeting (`id` nil) or changes one; the feed's `updated` is now.
    @discardableResult
    func save(_ id: UUID?, _ draft: MeetingDraft, now: Date = Date()) async throws -> UUID {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        let draft = draft.normalized()
        let problems = draft.problems()
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        let source = try await source()
        let existing = try await id.asyncMap { try await self.meeting($0) }
        let slug =
            existing?.slug
            ?? MeetingDraft.slug(draft.name, suffix: String(UUID().uuidString.lowercased().prefix(8)))
        let made = draft.meeting(
            slug: slug, timeZone: actor.organization.timeZone, raw: existing?.raw ?? "{}", updated: now)
        let organizationID = actor.organizationID
        let sourceID = source.id!
        let savedID = id ?? UUID()
        try await req.db.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            if id != nil {
                try await sql.raw("DELETE FROM meetings WHERE id = \(bind: savedID) AND source_id = \(bind: sourceID)")
                    .run()
            }
            try await MeetingImport.insert(
                [made], ids: [savedID], sourceID: sourceID, organizationID: organizationID, on: sql)
            try await Self.touch(sourceID, now: now, on: sql)
        }
        try await audit(id == nil ? "meeting.create" : "meeting.update", savedID)
        return savedID
    }

    func delete(_ id: UUID, now: Date = Date()) async throws {
        _ = try await meeting(id)
        let sourceID = try await source().id!
        try await req.db.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("DELETE FROM meetings WHERE id = \(bind: id) AND source_id = \(bind: sourceID)").run()
            try await Self.touch(sourceID, now: now, on: sql)
        }
        try await audit("meeting.delete", id)
    }

    /// Marks the source changed: its count, when, and no feed hash (so importing the same file
    /// again is not skipped as unchanged).
    static func touch(_ sourceID: UUID, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE meeting_sources SET meeting_count = (SELECT COUNT(*) FROM meetings WHERE source_id = \(bind: sourceID)), \
            imported_at = \(bind: now), content_hash = '' WHERE id = \(bind: sourceID)
            """
        ).run()
    }

    private func audit(_ action: String, _ id: UUID) async throws {
        try await req.audit(
            action, actor: actor.userID, organization: actor.organizationID, subjectType: "meeting", subject: id)
    }
}
