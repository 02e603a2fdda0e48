import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The admins' meeting sources: the list, and importing a feed by its address (a new source
/// or one again). The sources page and the API both come here.
struct MeetingSourceService {
    let req: Request
    let actor: Actor

    func sources() async throws -> [MeetingSource] {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        return try await MeetingSource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$kind == .feed).filter(\.$removedAt == nil).sort(\.$name).all()
    }

    func source(_ id: UUID) async throws -> MeetingSource {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        guard
            let source = try await MeetingSource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).filter(\.$removedAt == nil).first()
        else { throw ServiceError.notFound }
        return source
    }

    /// Fetches the feed at `url` and imports it as the source `name`. A fetch that fails is
    /// an outcome like a feed that fails: the source keeps its last good meetings. Audited.
    func importFeed(name: String, url: String) async throws -> (MeetingImport.Outcome, MeetingSource?) {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        let name = name.trimmingCharacters(in: .whitespaces)
        let url = url.trimmingCharacters(in: .whitespaces)
        var problems: [(field: String, key: String)] = []
        if name.isEmpty || name.count > 100 || name.hasPrefix("tandem:") {
            problems.append(("name", "error_meeting_source_name"))
        }
        if !AppointmentDraft.isWebLink(url) {
            problems.append(("url", "error_meeting_source_url"))
        } else if try await MeetingSource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$name == name).filter(\.$removedAt == nil).first() == nil,
            try await MeetingSource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$url == url).filter(\.$removedAt == nil).first() != nil
        {
            // Only a new source is checked: one added twice before this rule still refreshes.
            // The same feed under a second name would list every meeting twice.
            problems.append(("url", "error_meeting_source_same_url"))
        }
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        let outcome: MeetingImport.Outcome
        do {
            let data = try await FeedDownload.fetch(
                url, reach: FeedDownload.reach(req.application), app: req.application)
            outcome = try await MeetingImport.run(
                data, source: name, url: url, organizationID: actor.organizationID, on: req.db)
        } catch let failure as CommandFailure {
            outcome = .failed(failure.description)
        }
        try await req.audit(
            "meetings.import", actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
        let source = try await MeetingSource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$name == name).first()
        return (outcome, source)
    }

    /// Removes a feed: its meetings and the "my meetings" kept of them go, in one transaction;
    /// the source's row stays, hidden, for the attendance participants logged at its
    /// meetings. Importing a feed under its name again brings it back. Audited.
    func remove(_ id: UUID, now: Date = Date()) async throws {
        let source = try await source(id)
        guard source.kind == .feed, source.removedAt == nil else { throw ServiceError.notFound }
        try await req.db.transaction { db in
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("DELETE FROM meetings WHERE source_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM saved_meetings WHERE source_id = \(bind: id)").run()
            source.removedAt = now
            source.meetingCount = 0
            source.skippedCount = 0
            source.contentHash = ""
            source.report = ""
            source.refreshHours = 0
            try await source.save(on: db)
        }
        try await req.audit(
            "meetings.remove_source", actor: actor.userID, organization: actor.organizationID,
            subjectType: "organization", subject: actor.organizationID)
    }

    /// How often a feed is fetched again on its own (hours; 0 = only by hand). Audited.
    func schedule(_ id: UUID, hours: Int) async throws {
        let source = try await source(id)
        guard MeetingSource.refreshChoices.contains(hours), !source.url.isEmpty else {
            throw ServiceError.invalid([("refresh_hours", "error_choose_one")])
        }
        source.refreshHours = hours
        try await source.save(on: req.db)
        try await req.audit(
            "meetings.schedule", actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
    }
}
