import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Peer-support billing: the organization's policy and its providers' credentials (admins),
/// and for a period the billing lines of signed notes (approved, where notes are reviewed)
/// under that policy (supervisors and admins). The CSV names people, so each person in it
/// finds the export in their access history.
struct BillingService {
    let req: Request
    let actor: Actor

    init(_ req: Request, actor: Actor) {
        self.req = req
        self.actor = actor
    }

    // MARK: - Settings

    /// A staff member who may deliver services, with the credential billing reports.
    struct Provider: Sendable {
        let userID: UUID
        let name: String
        let role: Role
        let credential: String
    }

    struct SettingsInput: Sendable {
        var rule: String
        var dailyCap: String
        var groupModifier: String
        var medicaidModifiers: String
        var grantModifiers: String
        var privatePayModifiers: String
        /// Credentials as typed, by provider; providers not named keep theirs.
        var credentials: [UUID: String]
    }

    func policy() async throws -> BillingPolicy {
        try await stored()?.policy ?? BillingPolicy()
    }

    func settings() async throws -> (policy: BillingPolicy, providers: [Provider]) {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        return (try await policy(), try await providers())
    }

    /// The organization's staff, by name, with their credentials.
    func providers() async throws -> [Provider] {
        let members = try await Membership.query(on: req.db).filter(\.$organization.$id == actor.organizationID)
            .filter(\.$role ~~ [Role.admin, .supervisor, .coach]).with(\.$user).all()
        let credentials = try await credentialsByUser()
        return members.map {
            Provider(
                userID: $0.$user.id, name: $0.user.displayName, role: $0.role,
                credential: credentials[$0.$user.id] ?? "")
        }.sorted { ($0.name.lowercased(), $0.userID.uuidString) < ($1.name.lowercased(), $1.userID.uuidString) }
    }

    func save(_ input: SettingsInput) async throws {
        guard AccessPolicy.can(actor.role, .editSettings) else { throw ServiceError.denied }
        var problems: [(field: String, key: String)] = []
        let rule = UnitRule(rawValue: input.rule)
        if rule == nil { problems.append(("unit_rule", "error_billing_rule")) }
        let (cap, capProblem) = BillingPolicy.parseDailyCap(input.dailyCap)
        if let capProblem { problems.append(("daily_cap", capProblem)) }
        if let key = BillingPolicy.groupModifierProblem(input.groupModifier) {
            problems.append(("group_modifier", key))
        }
        let payers: [(String, Funding, String)] = [
            ("medicaid_modifiers", .medicaidInsurance, input.medicaidModifiers),
            ("grant_modifiers", .grant, input.grantModifiers),
            ("private_pay_modifiers", .privatePay, input.privatePayModifiers),
        ]
        var payerModifiers: [Funding: [String]] = [:]
        for (field, funding, text) in payers {
            if let key = BillingPolicy.payerModifiersProblem(text) {
                problems.append((field, key))
            } else {
                payerModifiers[funding] = BillingPolicy.parseModifiers(text) ?? []
            }
        }
        let staff = Set(try await providers().map(\.userID))
        var credentials: [UUID: String] = [:]
        for (userID, typed) in input.credentials.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            // A field for someone who is not (or no longer) staff here is ignored, not stored.
            guard staff.contains(userID) else { continue }
            if let credential = BillingPolicy.credential(typed) {
                credentials[userID] = credential
            } else {
                problems.append(("credential_" + userID.uuidString, "error_billing_credential"))
            }
        }
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        let policy = BillingPolicy(
            rule: rule!, dailyCap: cap, groupModifier: BillingPolicy.parseModifiers(input.groupModifier)?.first ?? "",
            payerModifiers: payerModifiers)
        let organizationID = actor.organizationID
        try await retryingOnUniqueConflict {
            let existing = try await stored()
            let known = try await ProviderCredential.query(on: req.db).filter(\.$organizationID == organizationID).all()
            let typed = credentials
            try await req.db.transaction { db in
                let settings = existing ?? BillingSettings(organizationID: organizationID)
                settings.apply(policy)
                try await settings.save(on: db)
                for (userID, credential) in typed {
                    if let row = known.first(where: { $0.userID == userID }) {
                        if credential.isEmpty {
                            try await row.delete(on: db)
                        } else if row.credential != credential {
                            row.credential = credential
                            try await row.save(on: db)
                        }
                    } else if !credential.isEmpty {
                        try await ProviderCredential(
                            organizationID: organizationID, userID: userID, credential: credential
                        )
                        .create(on: db)
                    }
                }
            }
        }
        try await req.audit(
            "billing.settings", actor: actor.userID, organization: organizationID, subjectType: "organization",
            subject: organizationID)
    }

    // MARK: - Billing lines

    /// What a period bills, and what it does not bill yet.
    struct Summary: Sendable {
        let period: BillingPeriod
        let policy: BillingPolicy
        let lines: [BillingDay]
        /// Signed, billable notes' minutes by payer (`Funding` raw value).
        let minutesByPayer: [String: Int]
        /// Time given to people whose engagement is free or volunteer: counted, never billed.
        let volunteerMinutes: Int
        let volunteerSessions: Int
        /// Signed notes still waiting for review or sent back, and drafts: not billable yet.
        let awaitingReview: Int
        let drafts: Int
        /// Sessions with someone who has no engagement to bill.
        let withoutEngagement: Int
        let participants: [UUID]
    }

    func summary(_ period: BillingPeriod) async throws -> Summary {
        guard AccessPolicy.can(actor.role, .exportBilling) else {
            try await req.audit(
                "access.denied", outcome: .denied, actor: actor.userID, organization: actor.organizationID)
            throw ServiceError.denied
        }
        let policy = try await policy()
        let sql = try sqlDatabase()
        let rows = try await sql.raw(
            """
            SELECT n.id AS note_id, n.local_date, n.minutes, n.author_id, n.review, np.participant_id, \
            (SELECT COUNT(*) FROM session_note_participants g WHERE g.note_id = n.id) AS group_size \
            FROM session_notes n JOIN session_note_participants np ON np.note_id = n.id \
            WHERE n.organization_id = \(bind: actor.organizationID) AND n.status = 'signed' \
            AND n.local_date >= \(bind: period.from.description) AND n.local_date <= \(bind: period.to.description) \
            ORDER BY n.local_date, n.id
            """
        ).all()
        struct Session {
            let noteID: UUID
            let day: CalendarDate
            let minutes: Int
            let author: UUID
            let participant: UUID
            let group: Bool
        }
        var sessions: [Session] = []
        var awaitingNotes = Set<UUID>()
        for row in rows {
            let noteID = try row.uuid("note_id")
            let review = NoteReview(rawValue: try row.decode(column: "review", as: String.self)) ?? .pending
            guard review.allowsBilling else {
                awaitingNotes.insert(noteID)
                continue
            }
            guard let day = CalendarDate(try row.decode(column: "local_date", as: String.self)) else { continue }
            sessions.append(
                Session(
                    noteID: noteID, day: day, minutes: try row.optional("minutes", as: Int.self) ?? 0,
                    author: try row.uuid("author_id"), participant: try row.uuid("participant_id"),
                    group: try row.decode(column: "group_size", as: Int.self) > 1))
        }
        let drafts =
            try await sql.raw(
                """
                SELECT COUNT(*) AS count FROM session_notes WHERE organization_id = \(bind: actor.organizationID) \
                AND status = 'draft' AND local_date >= \(bind: period.from.description) \
                AND local_date <= \(bind: period.to.description)
                """
            ).first()?.decode(column: "count", as: Int.self) ?? 0
        let candidates = try await TenantScope(actor: actor, db: req.db).engagementCandidates(
            of: Array(Set(sessions.map(\.participant))))
        var services: [BillableService] = []
        var minutesByPayer: [String: Int] = [:]
        var volunteerMinutes = 0
        var volunteerSessions = 0
        var withoutEngagement = 0
        for session in sessions {
            guard
                let funding = PayerChoice.funding(
                    candidates[session.participant] ?? [], day: session.day, provider: session.author.uuidString)
            else {
                withoutEngagement += 1
                continue
            }
            guard BillingPolicy.isBilled(funding) else {
                volunteerMinutes += session.minutes
                volunteerSessions += 1
                continue
            }
            minutesByPayer[funding.rawValue, default: 0] += session.minutes
            services.append(
                BillableService(
                    participantID: session.participant.uuidString, day: session.day, code: peerSupportCode,
                    modifiers: policy.modifiers(funding: funding, group: session.group), minutes: session.minutes,
                    provider: session.author.uuidString, payer: funding.rawValue))
        }
        let lines = PeerSupportBilling.days(services, rule: policy.rule, dailyCap: policy.dailyCap)
        return Summary(
            period: period, policy: policy, lines: lines, minutesByPayer: minutesByPayer,
            volunteerMinutes: volunteerMinutes, volunteerSessions: volunteerSessions,
            awaitingReview: awaitingNotes.count, drafts: drafts, withoutEngagement: withoutEngagement,
            participants: Array(Set(services.compactMap { UUID(uuidString: $0.participantID) })))
    }

    /// The billing CSV for `period`; each person in it gets an entry in their access history.
    func csv(_ period: BillingPeriod) async throws -> String {
        let summary = try await summary(period)
        let people = try await Participant.query(on: req.db).filter(\.$organization.$id == actor.organizationID)
            .filter(\.$id ~~ summary.participants).all()
        let credentials = try await credentialsByUser()
        let authorIDs = Set(summary.lines.flatMap(\.providers).compactMap { UUID(uuidString: $0) })
        let authors = try await User.query(on: req.db).filter(\.$id ~~ Array(authorIDs)).all()
        let text = BillingExport.csv(
            summary.lines,
            people: Dictionary(
                uniqueKeysWithValues: people.map {
                    ($0.id!.uuidString, BillingExport.Person(name: billingName($0), dateOfBirth: $0.dateOfBirth))
                }),
            providers: Dictionary(
                uniqueKeysWithValues: authors.map {
                    (
                        $0.id!.uuidString,
                        BillingExport.Provider(name: $0.displayName, credential: credentials[$0.id!] ?? "")
                    )
                }))
        try await req.audit(
            "participant.billing_export", participants: people.compactMap(\.id), actor: actor.userID,
            organization: actor.organizationID)
        try await req.audit(
            "billing.export", actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
        return text
    }

    // MARK: - Pieces

    /// A payer knows people by their legal name where it is recorded.
    private func billingName(_ person: Participant) -> String {
        person.legalName.isEmpty ? person.preferredName : person.legalName
    }

    private func stored() async throws -> BillingSettings? {
        try await BillingSettings.query(on: req.db).filter(\.$organizationID == actor.organizationID).first()
    }

    private func credentialsByUser() async throws -> [UUID: String] {
        let rows = try await ProviderCredential.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .all()
        return Dictionary(rows.map { ($0.userID, $0.credential) }, uniquingKeysWith: { first, _ in first })
    }

    private func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        return sql
    }
}
