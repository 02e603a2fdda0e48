import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The family section: articles (the organization's wording, else Tandem's), family-support
/// resources and meetings, and a family member's own wellbeing check-ins.
struct FamilyService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    struct Article: Sendable {
        let topic: String
        let title: String
        let paragraphs: [String]
        let body: String
        let isOwn: Bool
    }

    /// The article in `language`: the organization's wording when it wrote one.
    func article(_ topic: String, language: String) async throws -> Article? {
        guard FamilyArticle.topics.contains(topic) else { return nil }
        if let own = try await FamilyArticle.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$topic == topic).filter(\.$language == language).first()
        {
            return Article(
                topic: topic, title: own.title, paragraphs: Self.paragraphs(own.body), body: own.body, isOwn: true)
        }
        let messages = req.tandem.messages[Language(rawValue: language) ?? .en] ?? req.messages
        let body = messages.text("family_article_\(topic)_body")
        return Article(
            topic: topic, title: messages.text("family_article_\(topic)_title"), paragraphs: Self.paragraphs(body),
            body: body, isOwn: false)
    }

    static func paragraphs(_ body: String) -> [String] {
        body.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// Saves the organization's wording; an empty title and text go back to Tandem's.
    func saveArticle(_ topic: String, language: String, title: String, body: String) async throws {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        guard FamilyArticle.topics.contains(topic), Language(rawValue: language) != nil else {
            throw ServiceError.notFound
        }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = body.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let existing = try await FamilyArticle.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$topic == topic).filter(\.$language == language).first()
        if title.isEmpty && body.isEmpty {
            try await existing?.delete(on: req.db)
        } else {
            var problems: [(field: String, key: String)] = []
            if let key = FieldRules.name(title, maximum: FamilyArticle.titleLimit) { problems.append(("title", key)) }
            if body.isEmpty {
                problems.append(("body", "error_article_body"))
            } else if body.unicodeScalars.count > FamilyArticle.bodyLimit {
                problems.append(("body", "error_text_too_long"))
            } else if body.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                problems.append(("body", "error_text_invalid"))
            }
            guard problems.isEmpty else { throw ServiceError.invalid(problems) }
            let article = existing ?? FamilyArticle()
            article.organizationID = actor.organizationID
            article.topic = topic
            article.language = language
            article.title = title
            article.body = body
            article.updatedBy = actor.userID
            do {
                try await article.save(on: req.db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Two first savings of the same article at once: the other one was kept.
                throw ServiceError.conflict("error_already_answered_elsewhere")
            }
        }
        try await req.audit(
            "family_article.update", actor: actor.userID, organization: actor.organizationID,
            subjectType: "family_article", subject: nil)
    }

    struct FamilyMeeting: Sendable {
        let id: UUID
        let name: String
        let location: String
    }

    /// Meetings for families from the organization's feeds: Al-Anon, Alateen, Nar-Anon,
    /// Families Anonymous, and meetings held alongside Al-Anon.
    func meetings(limit: Int = 40) async throws -> [FamilyMeeting] {
        guard let sql = req.db as? any SQLDatabase else { return [] }
        let words = ["al-anon", "alateen", "nar-anon", "families anonymous", "familias anónimas", "grupos de familia"]
        var condition = SQLQueryString("(types LIKE '%,AL-AN,%'")
        for word in words { condition.appendInterpolation(unsafeRaw: " OR LOWER(name) LIKE '%\(word)%'") }
        condition.appendLiteral(")")
        return try await sql.raw(
            """
            SELECT id, name, location FROM meetings WHERE organization_id = \(bind: actor.organizationID) \
            AND \(condition) ORDER BY name LIMIT \(unsafeRaw: String(limit))
            """
        ).all().map {
            FamilyMeeting(
                id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                location: try $0.decode(column: "location", as: String.self))
        }
    }

    /// The family member's own check-in for today, if any.
    func todaysWellbeing(of participantID: UUID) async throws -> (Participant, FamilyCheckIn?) {
        let (participant, _) = try await people.authorized(participantID, .wellbeingCheckIn)
        let row = try await FamilyCheckIn.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).filter(\.$localDate == today(participant).description).first()
        return (participant, row)
    }

    func today(_ participant: Participant) -> CalendarDate {
        CalendarDate(
            Date(),
            in: TimeZone(identifier: participant.timeZone) ?? TimeZone(identifier: actor.organization.timeZone)
                ?? .gmt)
    }

    /// Keeps today's wellbeing check-in (a second one the same day changes it). Audited; a
    /// crisis phrase in the note raises an alert. Returns whether one was raised.
    @discardableResult
    func saveWellbeing(_ participantID: UUID, _ answers: FamilyWellbeing) async throws -> Bool {
        let (participant, existing) = try await todaysWellbeing(of: participantID)
        let problems = answers.problems()
        guard problems.isEmpty, let stress = answers.stress, let sleep = answers.sleep,
            let selfCare = answers.selfCare, let hope = answers.hope
        else { throw ServiceError.invalid(problems) }
        let row = existing ?? FamilyCheckIn()
        row.organizationID = actor.organizationID
        row.participantID = participantID
        row.localDate = today(participant).description
        row.stress = stress
        row.sleep = sleep
        row.selfCare = selfCare
        row.hope = hope
        row.note = answers.note.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try await row.save(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Sent twice at once from two devices: the first one is today's.
            throw ServiceError.conflict("error_wellbeing_twice")
        }
        try await people.audit(
            existing == nil ? "wellbeing.create" : "wellbeing.update", participant: participantID,
            subjectType: "wellbeing", subject: row.id)
        let phrases = CrisisPhrases.matches(in: row.note)
        if !phrases.isEmpty {
            try await SafetyService(req: req, people: people).raise(
                participant, source: .checkIn, key: SafetyService.checkInKey(row.id!, phrases: phrases))
        }
        return !phrases.isEmpty
    }

    /// The family member's check-ins, newest first: their own and their coaches' to see.
    func wellbeingHistory(of participantID: UUID) async throws -> (Participant, [FamilyCheckIn]) {
        let (participant, _) = try await people.authorized(participantID, .view)
        let rows = try await FamilyCheckIn.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .filter(\.$participantID == participantID).sort(\.$localDate, .descending).limit(365).all()
        try await people.audit("wellbeing.list", participant: participantID)
        return (participant, rows)
    }
}
