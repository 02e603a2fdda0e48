import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Participants: creating, reading, changing, removing and finding them, and inviting them
/// to sign in. Every operation checks `ParticipantAccess`, goes through the tenant scope,
/// and writes the audit trail; callers never do either themselves.
struct ParticipantService {
    let req: Request
    let scope: TenantScope

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.scope = TenantScope(actor: actor, db: req.db)
    }

    var actor: Actor { scope.actor }

    /// A participant with their engagements and coaches, as the actor may see it.
    struct Record: Sendable {
        let participant: Participant
        let engagements: [EngagementService.Summary]
        let relation: ParticipantRelation
        let hasSignIn: Bool

        func can(_ role: Role, _ action: ParticipantAction) -> Bool {
            ParticipantAccess.can(role, action, relation)
        }
    }

    func audit(
        _ action: String, outcome: AuditLog.Outcome = .success, participant: UUID?, subjectType: String? = nil,
        subject: UUID? = nil
    ) async throws {
        try await req.audit(
            action, outcome: outcome, actor: actor.userID, organization: actor.organizationID,
            subjectType: subjectType ?? "participant", subject: subject ?? participant, participant: participant)
    }

    /// The entry `audit(…)` would record, for a write that carries it (`FrequentWrites`).
    func auditEntry(_ action: String, participant: UUID?, subjectType: String, subject: UUID?) -> AuditLog.Entry {
        req.auditEntry(
            action, actor: actor.userID, organization: actor.organizationID, subjectType: subjectType,
            subject: subject, participant: participant)
    }

    /// Loads a participant and checks that the actor may do `action`; denials are audited.
    func authorized(_ id: UUID, _ action: ParticipantAction) async throws -> (Participant, ParticipantRelation) {
        guard let (participant, relation) = try await scope.participantAndRelation(id) else {
            throw ServiceError.notFound
        }
        guard ParticipantAccess.can(actor.role, action, relation) else {
            try await audit("participant.\(action.rawValue)", outcome: .denied, participant: id)
            throw ServiceError.denied
        }
        return (participant, relation)
    }

    /// Today in the organization's time zone: dates people enter are checked against it.
    static func today(in organization: Organization) -> CalendarDate { day(Date(), in: organization) }

    static func day(_ instant: Date, in organization: Organization) -> CalendarDate {
        CalendarDate(instant, in: TimeZone(identifier: organization.timeZone) ?? .current)
    }

    /// Creates a participant together with their first engagement, in one transaction.
    /// A coach becomes the engagement's primary coach; others name one. Audited.
    func create(_ profile: ParticipantProfile, engagement terms: EngagementService.Terms) async throws -> (
        Participant, Engagement
    ) {
        guard ParticipantAccess.can(actor.role, .create, .none) else {
            try await audit("participant.create", outcome: .denied, participant: nil)
            throw ServiceError.denied
        }
        var problems = profile.allProblems(today: Self.today(in: actor.organization))
        let profile = profile.normalized()
        let engagements = EngagementService(req, actor: actor)
        let checked = try await engagements.check(terms, problems: &problems)
        guard problems.isEmpty, let checked else { throw ServiceError.invalid(problems) }
        let organizationID = actor.organizationID
        let (participant, engagement) = try await req.db.transaction { db in
            let participant = Participant(organizationID: organizationID, profile: profile)
            try await participant.create(on: db)
            try await Self.index(participant, on: db)
            let engagement = try await EngagementService.insert(checked, for: participant, on: db)
            return (participant, engagement)
        }
        try await audit("participant.create", participant: participant.id)
        try await audit(
            "engagement.create", participant: participant.id, subjectType: "engagement", subject: engagement.id)
        return (participant, engagement)
    }

    /// Replaces the search terms of a participant's names.
    static func index(_ participant: Participant, on db: any Database) async throws {
        try await ParticipantSearchTerm.query(on: db).filter(\.$participant.$id == participant.id!).delete()
        let terms = NameSearch.terms(of: [participant.preferredName, participant.legalName])
        for term in terms {
            try await ParticipantSearchTerm(
                organizationID: participant.$organization.id, participantID: participant.id!,
                term: String(term.prefix(120)), sortName: participant.sortName
            ).create(on: db)
        }
    }

    /// The participant's record with their engagements. Audited as a view.
    func record(_ id: UUID) async throws -> Record {
        let (participant, relation) = try await authorized(id, .view)
        let engagements = try await EngagementService(req, actor: actor).summaries(of: participant)
        try await audit("participant.view", participant: id)
        return Record(
            participant: participant, engagements: engagements, relation: relation,
            hasSignIn: participant.$user.id != nil)
    }

    /// Changes the profile. Audited.
    func update(_ id: UUID, profile: ParticipantProfile) async throws -> Participant {
        let (participant, relation) = try await authorized(id, .update)
        var sent = profile
        // Only the person and their coaches see the recovery start date, so others keep it as it is.
        if !ParticipantAccess.can(actor.role, .viewRecoveryDate, relation) {
            sent.recoveryStartDate = participant.recoveryStartDate
        }
        // The person changes how they are called and reached, their pathways, recovery start
        // date and strengths; what identifies them on record stays as the organization has it.
        if relation.isSelf {
            sent.legalName = participant.legalName
            sent.dateOfBirth = participant.dateOfBirth
            sent.email = participant.email
        }
        let stored = participant.profile
        let problems = sent.allProblems(today: Self.today(in: actor.organization)).filter { problem in
            // What the person may not change here, or a date kept as it was (an old record's
            // placeholder year), cannot stop a save: the form does not ask about it.
            if relation.isSelf && ["legal_name", "date_of_birth", "email"].contains(problem.field) { return false }
            if problem.key == "error_date_too_old" {
                let unchanged =
                    problem.field == "date_of_birth"
                    ? sent.dateOfBirth == stored.dateOfBirth : sent.recoveryStartDate == stored.recoveryStartDate
                return !unchanged
            }
            return true
        }
        guard problems.isEmpty else { throw ServiceError.invalid(problems) }
        let profile = sent.normalized()
        try await req.db.transaction { db in
            participant.apply(profile)
            try await participant.save(on: db)
            try await Self.index(participant, on: db)
        }
        try await audit("participant.update", participant: id)
        return participant
    }

    /// Removes the participant with their engagements, signatures, pending invitations,
    /// check-ins, assessments, plan and the session notes about them alone. Their sign-in no
    /// longer reaches this organization (and, used nowhere else, can no longer be used).
    /// The audit trail keeps the fact (ids only). Admins only.
    func delete(_ id: UUID) async throws {
        let (participant, _) = try await authorized(id, .delete)
        let userID = participant.$user.id
        let unusable = userID == nil ? "" : try await SignInRelease.unusablePassword(req)
        try await req.db.transaction { db in
            if let userID {
                try await SignInRelease.release(
                    userID, from: participant.$organization.id,
                    label: "Deleted " + id.uuidString.prefix(8).lowercased(),
                    unusablePassword: unusable, on: db)
            }
            let engagementIDs = try await Engagement.query(on: db).filter(\.$participant.$id == id).all(\.$id)
            if !engagementIDs.isEmpty {
                try await AgreementSignature.query(on: db).filter(\.$engagement.$id ~~ engagementIDs).delete()
                try await EngagementCoach.query(on: db).filter(\.$engagement.$id ~~ engagementIDs).delete()
                try await Engagement.query(on: db).filter(\.$id ~~ engagementIDs).delete()
            }
            try await ParticipantSearchTerm.query(on: db).filter(\.$participant.$id == id).delete()
            try await HandoffContact.query(on: db).filter(\.$participantID == id).delete()
            try await Handoff.query(on: db).filter(\.$participantID == id).delete()
            try await CheckIn.query(on: db).filter(\.$participant.$id == id).delete()
            try await RecoveryCapitalAssessment.query(on: db).filter(\.$participant.$id == id).delete()
            let versions = try await RecoveryPlanVersion.query(on: db).filter(\.$participant.$id == id).all(\.$id)
            if !versions.isEmpty {
                try await RecoveryPlanSignature.query(on: db).filter(\.$version.$id ~~ versions).delete()
                try await RecoveryPlanVersion.query(on: db).filter(\.$id ~~ versions).delete()
            }
            try await OneTimeLink.query(on: db).filter(\.$participant.$id == id).delete()
            // Session notes about them alone go with them; a group note stays with the others.
            let noteIDs = try await SessionNoteParticipant.query(on: db).filter(\.$participantID == id)
                .all(\.$note.$id)
            try await SessionNoteParticipant.query(on: db).filter(\.$participantID == id).delete()
            if !noteIDs.isEmpty {
                let shared = try await SessionNoteParticipant.query(on: db).filter(\.$note.$id ~~ noteIDs)
                    .all(\.$note.$id)
                let alone = Set(noteIDs).subtracting(shared)
                if !alone.isEmpty {
                    try await SessionNoteAddendum.query(on: db).filter(\.$note.$id ~~ alone).delete()
                    try await SessionNote.query(on: db).filter(\.$id ~~ alone).delete()
                }
            }
            try await participant.delete(on: db)
        }
        try await audit("participant.delete", participant: id)
    }

    /// A one-time link for the participant to make a sign-in (or use the one they have) and
    /// see their own record. Audited.
    func inviteToSignIn(_ id: UUID, email: String) async throws -> String {
        let (participant, _) = try await authorized(id, .inviteToSignIn)
        if participant.$user.id != nil { throw ServiceError.conflict("error_participant_has_sign_in") }
        if let key = FieldRules.email(email) { throw ServiceError.invalid([("email", key)]) }
        let normalized = FieldRules.normalizedEmail(email)
        if let existing = try await User.query(on: req.db).filter(\.$email == normalized).first(),
            try await scope.memberships().filter(\.$user.$id == existing.id!).first() != nil
        {
            throw ServiceError.invalid([("email", "error_already_member")])
        }
        // Only the newest invitation for a record works, so a link sent to a mistyped address
        // stops working when the right one is sent.
        try await OneTimeLink.query(on: req.db).filter(\.$participant.$id == id).filter(\.$usedAt == nil)
            .set(\.$usedAt, to: Date()).update()
        // Someone coached only as a family member signs in as one: their own record, and a
        // loved one's only through consent.
        let services = try await scope.engagements().filter(\.$participant.$id == id).all(\.$serviceType)
        let role: Role =
            !services.isEmpty && services.allSatisfy({ $0 == .familyRecoveryCoaching }) ? .family : .participant
        let token = try await req.accounts.invite(
            email: normalized, role: role, organizationID: actor.organizationID, by: actor.userID,
            participantID: id)
        try await audit("participant.invite", participant: id)
        return token
    }

    struct SearchRow: Sendable {
        let id: UUID
        let name: String
        let pronouns: String
    }

    /// Participants in the actor's reach whose names start with each word of `query`
    /// (case and accents ignored), a page at a time; everyone in reach when the query is empty.
    /// Audited as one search, without the words searched for.
    func search(_ query: String, page: Int, pageSize: Int = 25) async throws -> (rows: [SearchRow], hasMore: Bool) {
        let reach = ParticipantAccess.reach(of: actor.role)
        guard reach == .organization || reach == .ownEngagements else {
            try await audit("participant.search", outcome: .denied, participant: nil)
            throw ServiceError.denied
        }
        let words = NameSearch.queryWords(query)
        let ids = try await scope.findParticipants(
            words: words, coachedOnly: reach == .ownEngagements, offset: (page - 1) * pageSize, limit: pageSize + 1)
        var seen = Set<UUID>()
        let unique = ids.filter { seen.insert($0).inserted }
        let found = try await scope.searchRows(Array(unique.prefix(pageSize)))
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = unique.prefix(pageSize).compactMap { byID[$0] }
        try await audit("participant.search", participant: nil, subjectType: "search")
        return (rows, ids.count > pageSize)
    }

    struct HistoryRow: Sendable {
        let when: Date
        let who: String
        let role: String?
        let action: String
        let outcome: String
    }

    /// Who looked at or changed a participant's record, newest first: for the person
    /// themself (and admins). Reading it is itself recorded.
    /// `othersOnly`: the person reading their own history sees what others did, unless they
    /// ask for their own entries too (their own looks would bury the others').
    func accessHistory(_ id: UUID, page: Int, othersOnly: Bool = false, pageSize: Int = 50) async throws -> (
        rows: [HistoryRow], hasMore: Bool, isOwn: Bool
    ) {
        let (participant, _) = try await authorized(id, .viewAccessHistory)
        let isOwn = participant.$user.id == actor.userID
        var query = AuditEvent.query(on: req.db).filter(\.$participantID == id)
            .filter(\.$organizationID == actor.organizationID)
        if isOwn && othersOnly {
            let me = actor.userID
            query = query.group(.or) { $0.filter(\.$actorID == nil).filter(\.$actorID != me) }
        }
        let events = try await query.sort(\.$sequence, .descending)
            .range(((page - 1) * pageSize)..<(page * pageSize + 1)).all()
        let actorIDs = Set(events.compactMap(\.actorID))
        let users = try await User.query(on: req.db).filter(\.$id ~~ Array(actorIDs)).all()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.displayName) })
        let roles = try await scope.memberships().filter(\.$user.$id ~~ Array(actorIDs)).all()
        let roleOf = Dictionary(roles.map { ($0.$user.id, $0.role.rawValue) }, uniquingKeysWith: { a, _ in a })
        let rows = events.prefix(pageSize).map { event in
            HistoryRow(
                when: event.occurredAt, who: event.actorID.flatMap { names[$0] } ?? "",
                role: event.actorID.flatMap { roleOf[$0] }, action: event.action, outcome: event.outcome)
        }
        try await audit("participant.access_history", participant: id)
        return (Array(rows), events.count > pageSize, isOwn)
    }
}

extension TenantScope {
    /// The names of the participants with `ids`, reading only the columns a result list shows.
    func searchRows(_ ids: [UUID]) async throws -> [ParticipantService.SearchRow] {
        guard !ids.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        var query: SQLQueryString = """
            SELECT id, preferred_name, pronouns FROM participants \
            WHERE organization_id = \(bind: organizationID) AND id IN (
            """
        for (index, id) in ids.enumerated() {
            if index > 0 { query.appendInterpolation(unsafeRaw: ", ") }
            query.appendInterpolation(bind: id)
        }
        query.appendInterpolation(unsafeRaw: ")")
        struct Row: Decodable {
            let id: UUID
            let preferred_name: String
            let pronouns: String
        }
        return try await sql.raw(query).all(decoding: Row.self).map {
            ParticipantService.SearchRow(id: $0.id, name: $0.preferred_name, pronouns: $0.pronouns)
        }
    }

    /// Participant ids whose name terms start with every word, in the order of the first
    /// word's matching term (an index walk), or by sort name when there are no words.
    /// `coachedOnly` keeps the people of the actor's own engagements.
    func findParticipants(words: [String], coachedOnly: Bool, offset: Int, limit: Int) async throws -> [UUID] {
        guard let sql = db as? any SQLDatabase else { return [] }
        var query: SQLQueryString
        if coachedOnly {
            // A coach's own people are few: start from them, not from the organization's index.
            let mine: SQLQueryString = """
                SELECT e.participant_id FROM engagement_coaches c JOIN engagements e ON e.id = c.engagement_id \
                WHERE c.coach_id = \(bind: actor.userID) AND c.organization_id = \(bind: organizationID)
                """
            guard let first = words.first else {
                var everyone: SQLQueryString = "SELECT p.id AS id FROM participants p WHERE p.id IN ("
                everyone.appendInterpolation(mine)
                everyone.appendInterpolation(
                    unsafeRaw: ") ORDER BY p.sort_name, p.id LIMIT \(limit) OFFSET \(offset)")
                struct Row: Decodable { let id: UUID }
                return try await sql.raw(everyone).all(decoding: Row.self).map(\.id)
            }
            query = "SELECT t.participant_id AS id FROM participant_search_terms t WHERE t.participant_id IN ("
            query.appendInterpolation(mine)
            query.appendInterpolation(unsafeRaw: ") AND t.term >= ")
            query.appendInterpolation(bind: first)
            query.appendInterpolation(unsafeRaw: " AND t.term < ")
            query.appendInterpolation(bind: NameSearch.upperBound(of: first))
        } else if let first = words.first {
            query = """
                SELECT t.participant_id AS id FROM participant_search_terms t \
                WHERE t.organization_id = \(bind: organizationID) AND t.term >= \(bind: first) \
                AND t.term < \(bind: NameSearch.upperBound(of: first))
                """
        } else {
            return try await participants().sort(\.$sortName).sort(\.$id).range(offset..<(offset + limit)).all(\.$id)
        }
        // Every further word must begin one of the same person's terms too.
        for word in words.dropFirst() {
            query.appendInterpolation(
                unsafeRaw:
                    " AND EXISTS (SELECT 1 FROM participant_search_terms s WHERE s.participant_id = t.participant_id AND s.term >= "
            )
            query.appendInterpolation(bind: word)
            query.appendInterpolation(unsafeRaw: " AND s.term < ")
            query.appendInterpolation(bind: NameSearch.upperBound(of: word))
            query.appendInterpolation(unsafeRaw: ")")
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY t.term, t.sort_name, t.participant_id")
        query.appendInterpolation(unsafeRaw: " LIMIT \(limit) OFFSET \(offset)")
        struct Row: Decodable { let id: UUID }
        return try await sql.raw(query).all(decoding: Row.self).map(\.id)
    }
}
