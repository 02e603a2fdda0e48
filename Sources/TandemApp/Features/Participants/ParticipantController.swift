import Fluent
import Foundation
import TandemKit
import Vapor

/// Pages for participants: find, add, read, change, remove, invite to sign in, open another
/// engagement, and the access history. The service does the checks and the audit.
struct ParticipantController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let people = routes.grouped("participants")
        people.get(use: search)
        people.get("new", use: newForm)
        people.post(use: create)
        people.get(":participantID", use: show)
        people.get(":participantID", "edit", use: editForm)
        people.post(":participantID", use: update)
        people.get(":participantID", "delete", use: deleteForm)
        people.post(":participantID", "delete", use: delete)
        people.post(":participantID", "invite", use: invite)
        people.get(":participantID", "engagements", "new", use: newEngagementForm)
        people.post(":participantID", "engagements", use: openEngagement)
        people.get(":participantID", "access-history", use: accessHistory)
    }

    // MARK: Search

    struct SearchQuery: Content {
        var q: String?
        var page: Int?
    }

    struct SearchRow: Encodable, Sendable {
        let id: String
        let name: String
        let pronouns: String
    }

    struct SearchBody: Encodable, Sendable {
        let q: String
        let rows: [SearchRow]
        let page: Int
        let previousLink: String?
        let nextLink: String?
        let canCreate: Bool
    }

    @Sendable func search(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let query = (try? req.query.decode(SearchQuery.self)) ?? SearchQuery()
        let text = String((query.q ?? "").prefix(100))
        let page = max(1, min(query.page ?? 1, 10_000))
        let (rows, hasMore) = try await ParticipantService(req, actor: actor).search(text, page: page)
        func link(_ page: Int) -> String {
            var parts = ["page=\(page)"]
            if !text.isEmpty {
                parts.insert("q=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), at: 0)
            }
            return "/participants?" + parts.joined(separator: "&")
        }
        return try await req.page(
            "participants/search", titleKey: "participants_title",
            SearchBody(
                q: text, rows: rows.map { SearchRow(id: $0.id.uuidString, name: $0.name, pronouns: $0.pronouns) },
                page: page, previousLink: page > 1 ? link(page - 1) : nil, nextLink: hasMore ? link(page + 1) : nil,
                canCreate: ParticipantAccess.can(actor.role, .create, .none)))
    }

    // MARK: Add and change

    @Sendable func newForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        guard ParticipantAccess.can(actor.role, .create, .none) else { throw ServiceError.denied }
        return try await req.page(
            "participants/form", titleKey: "participant_new_title",
            try await Self.formBody(
                ParticipantForm(), action: "/participants", isNew: true, cancel: "/participants", actor: actor,
                req: req))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let form = (try? req.content.decode(ParticipantForm.self)) ?? ParticipantForm()
        do {
            let (participant, _) = try await ParticipantService(req, actor: actor).create(
                form.profile, engagement: form.terms)
            return .redirect("/participants/\(participant.id!.uuidString)?created=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "participants/form", titleKey: "participant_new_title",
                try await Self.formBody(
                    form, action: "/participants", isNew: true, cancel: "/participants", actor: actor, req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let (participant, relation) = try await ParticipantService(req, actor: actor).authorized(id, .update)
        try await ParticipantService(req, actor: actor).audit("participant.view", participant: id)
        return try await req.page(
            "participants/form", titleKey: "participant_edit_title",
            try await Self.formBody(
                Self.form(from: participant.profile), action: "/participants/\(id.uuidString)", isNew: false,
                cancel: "/participants/\(id.uuidString)", actor: actor, req: req,
                seesRecoveryDate: ParticipantAccess.can(actor.role, .viewRecoveryDate, relation),
                ownDetails: relation.isSelf))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let form = (try? req.content.decode(ParticipantForm.self)) ?? ParticipantForm()
        do {
            _ = try await ParticipantService(req, actor: actor).update(id, profile: form.profile)
            return .redirect("/participants/\(id.uuidString)?saved=1")
        } catch ServiceError.invalid(let problems) {
            let (_, relation) = try await ParticipantService(req, actor: actor).authorized(id, .update)
            return try await req.page(
                "participants/form", titleKey: "participant_edit_title",
                try await Self.formBody(
                    form, action: "/participants/\(id.uuidString)", isNew: false,
                    cancel: "/participants/\(id.uuidString)", actor: actor, req: req,
                    seesRecoveryDate: ParticipantAccess.can(actor.role, .viewRecoveryDate, relation),
                    ownDetails: relation.isSelf),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    // MARK: The record

    struct EngagementRow: Encodable, Sendable {
        let id: String
        let service: String
        let status: String
        let statusRaw: String
        let startDate: String
        let primaryCoach: String
        let otherCoaches: String
    }

    struct ShowBody: Encodable, Sendable {
        let id: String
        let name: String
        let pronouns: String
        let details: [SummaryItem]
        let engagements: [EngagementRow]
        let canEdit: Bool
        let canDelete: Bool
        let canOpenEngagement: Bool
        let canInvite: Bool
        let canSeeHistory: Bool
        let hasSignIn: Bool
        let isSelf: Bool
        let created: Bool
        let saved: Bool
        let inviteLink: String?
        /// The invitation also went out by e-mail.
        let inviteEmailed: Bool
        let inviteEmail: String
        let progress: RecoveryProgress
        let chart: CheckInChart
        let canExport: Bool
        let canSeeNotes: Bool
        let canSeeAppointments: Bool
        /// The latest referrals, when the reader may see them.
        let referrals: [ReferralController.Row]?
        let canRefer: Bool
        let canSeeConsents: Bool
        let canDownload: Bool
        let canCorrect: Bool
        let canAnonymize: Bool
        let isFamilyCoaching: Bool
        /// Coached only as a family member: their check-in is about their wellbeing, and the
        /// recovery check-ins, their charts and the BARC-10 are not theirs.
        let familyOnly: Bool
        /// The hand-off from a treatment center the person came by, for staff.
        let handoffID: String?
    }

    static func engagementRows(_ summaries: [EngagementService.Summary], req: Request) -> [EngagementRow] {
        summaries.map { summary in
            let engagement = summary.engagement
            return EngagementRow(
                id: engagement.id!.uuidString, service: req.t("service_" + engagement.serviceType.rawValue),
                status: req.t("status_" + engagement.status.rawValue), statusRaw: engagement.status.rawValue,
                startDate: req.calendarDate(engagement.startDate), primaryCoach: summary.primary?.name ?? "",
                otherCoaches: summary.coaches.filter { !$0.isPrimary }.map(\.name).joined(separator: ", "))
        }
    }

    /// The profile as a summary list. The recovery start date is shown only to the person
    /// and their coaches (`viewRecoveryDate`); others see no trace of it.
    static func details(
        _ participant: Participant, organization: Organization, seesRecoveryDate: Bool, req: Request
    ) -> [SummaryItem] {
        let profile = participant.profile
        func list(_ values: [String], prefix: String) -> String {
            values.map { req.t(prefix + $0) }.joined(separator: ", ")
        }
        var pathways = list(profile.pathways, prefix: "pathway_")
        if !profile.pathwayOther.isEmpty { pathways += " (\(profile.pathwayOther))" }
        let emergency = [
            profile.emergencyContactName, profile.emergencyContactRelationship, profile.emergencyContactPhone,
        ].filter { !$0.isEmpty }.joined(separator: " · ")
        let items: [(String, String)] = [
            ("field_legal_name", profile.legalName), ("field_pronouns", profile.pronouns),
            ("field_date_of_birth", req.calendarDate(profile.dateOfBirth)), ("field_phone", profile.phone),
            ("field_email", profile.email), ("field_language", req.t("language_" + profile.language)),
            ("field_time_zone", profile.timeZone.isEmpty ? organization.timeZone : profile.timeZone),
            ("field_contact_methods", list(profile.contactMethods, prefix: "contact_")),
            ("field_safe_contact_times", profile.safeContactTimes), ("field_pathways", pathways),
            ("field_recovery_start_date", req.calendarDate(profile.recoveryStartDate)),
            ("field_strengths", profile.strengths), ("field_emergency_contact", emergency),
        ].filter { seesRecoveryDate || $0.0 != "field_recovery_start_date" }
        return items.map { SummaryItem(label: req.t($0.0), value: $0.1.isEmpty ? "—" : $0.1) }
    }

    struct ShowQuery: Content {
        var created: String?
        var saved: String?
        var days: Int?
    }

    func showBody(
        _ id: UUID, actor: Actor, req: Request, inviteLink: String? = nil, inviteEmail: String? = nil,
        inviteEmailed: Bool = false
    )
        async throws -> ShowBody
    {
        let record = try await ParticipantService(req, actor: actor).record(id)
        let participant = record.participant
        let flags = (try? req.query.decode(ShowQuery.self)) ?? ShowQuery()
        let checkIns = CheckInService(req, actor: actor)
        let today = checkIns.today(for: participant)
        let days = CheckInChart.periods.contains(flags.days ?? 0) ? flags.days! : CheckInChart.periods[0]
        return ShowBody(
            id: id.uuidString, name: participant.preferredName, pronouns: participant.pronouns,
            details: Self.details(
                participant, organization: actor.organization,
                seesRecoveryDate: record.can(actor.role, .viewRecoveryDate),
                req: req),
            engagements: Self.engagementRows(record.engagements, req: req),
            canEdit: record.can(actor.role, .update), canDelete: record.can(actor.role, .delete),
            canOpenEngagement: record.can(actor.role, .manageEngagements),
            canInvite: record.can(actor.role, .inviteToSignIn) && !record.hasSignIn,
            canSeeHistory: record.can(actor.role, .viewAccessHistory), hasSignIn: record.hasSignIn,
            isSelf: record.relation.isSelf, created: flags.created != nil, saved: flags.saved != nil,
            inviteLink: inviteLink, inviteEmailed: inviteEmailed, inviteEmail: inviteEmail ?? participant.email,
            progress: try await RecoveryProgress.of(
                participant, seesRecoveryDate: record.can(actor.role, .viewRecoveryDate), service: checkIns, req: req),
            chart: CheckInChart.make(
                try await checkIns.recent(of: id, days: days, today: today), days: days, today: today, req: req),
            canExport: record.can(actor.role, .export), canSeeNotes: record.can(actor.role, .viewNotes),
            canSeeAppointments: record.can(actor.role, .viewAppointments),
            referrals: try await ReferralService(req, actor: actor).latest(of: id, relation: record.relation)?.map {
                ReferralController.row(
                    $0, req: req, timeZone: TimeZone(identifier: actor.organization.timeZone) ?? .gmt)
            }, canRefer: record.can(actor.role, .refer), canSeeConsents: record.can(actor.role, .viewDisclosures),
            canDownload: record.can(actor.role, .downloadData),
            canCorrect: record.can(actor.role, .requestCorrection) || record.can(actor.role, .answerCorrections),
            canAnonymize: record.can(actor.role, .anonymize),
            isFamilyCoaching: record.engagements.contains { $0.engagement.serviceType == .familyRecoveryCoaching },
            familyOnly: ServiceType.isFamilyMemberRecord(record.engagements.map(\.engagement.serviceType)),
            handoffID: actor.role.isStaff
                ? try await HandoffService.handoffID(of: id, in: actor.organizationID, on: req.db)?.uuidString : nil)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let body = try await showBody(try req.id("participantID"), actor: actor, req: req)
        return try await req.page("participants/show", titleKey: "participant_title", body)
    }

    struct InviteForm: Content {
        var email: String?
    }

    @Sendable func invite(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let email = ((try? req.content.decode(InviteForm.self)) ?? InviteForm()).email ?? ""
        do {
            let token = try await ParticipantService(req, actor: actor).inviteToSignIn(id, email: email)
            let link = req.absoluteURL("/invite/\(token)")
            let emailed = try await Mail.invitation(req, to: email, link: link, organizationID: actor.organizationID)
            let body = try await showBody(
                id, actor: actor, req: req, inviteLink: link, inviteEmail: email, inviteEmailed: emailed)
            return try await req.page("participants/show", titleKey: "participant_title", body)
        } catch ServiceError.invalid(let problems) {
            let body = try await showBody(id, actor: actor, req: req, inviteEmail: email)
            return try await req.page(
                "participants/show", titleKey: "participant_title", body, errors: req.fieldErrors(problems),
                status: .unprocessableEntity)
        } catch ServiceError.conflict(let key) {
            let body = try await showBody(id, actor: actor, req: req, inviteEmail: email)
            return try await req.page(
                "participants/show", titleKey: "participant_title", body,
                errors: [FieldError(field: "email", message: req.t(key))], status: .conflict)
        }
    }

    // MARK: Another engagement

    struct EngagementFormBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let engagement: EngagementFields
    }

    @Sendable func newEngagementForm(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let service = ParticipantService(req, actor: actor)
        let (participant, _) = try await service.authorized(id, .manageEngagements)
        try await service.audit("participant.view", participant: id)
        return try await req.page(
            "engagements/new", titleKey: "engagement_new_title",
            EngagementFormBody(
                participantID: id.uuidString, name: participant.preferredName,
                engagement: try await Self.engagementFields(ParticipantForm(), actor: actor, req: req)))
    }

    @Sendable func openEngagement(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let form = (try? req.content.decode(ParticipantForm.self)) ?? ParticipantForm()
        do {
            let engagement = try await EngagementService(req, actor: actor).open(for: id, form.terms)
            return .redirect("/engagements/\(engagement.id!.uuidString)")
        } catch ServiceError.invalid(let problems) {
            let (participant, _) = try await ParticipantService(req, actor: actor).authorized(id, .manageEngagements)
            return try await req.page(
                "engagements/new", titleKey: "engagement_new_title",
                EngagementFormBody(
                    participantID: id.uuidString, name: participant.preferredName,
                    engagement: try await Self.engagementFields(form, actor: actor, req: req)),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    // MARK: Access history

    struct HistoryRow: Encodable, Sendable {
        let when: String
        let who: String
        let what: String
        let denied: Bool
    }

    struct HistoryBody: Encodable, Sendable {
        let id: String
        let rows: [HistoryRow]
        let previousLink: String?
        let nextLink: String?
        /// The person's own history: it hides their own entries unless they ask for them.
        let isOwn: Bool
        let showsMine: Bool
    }

    @Sendable func accessHistory(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let page = max(1, min((try? req.query.get(Int.self, at: "page")) ?? 1, 10_000))
        let showsMine = req.query[String.self, at: "mine"] != nil
        let (rows, hasMore, isOwn) = try await ParticipantService(req, actor: actor).accessHistory(
            id, page: page, othersOnly: !showsMine)
        let base = "/participants/\(id.uuidString)/access-history?" + (showsMine ? "mine=1&" : "") + "page="
        return try await req.page(
            "participants/history", titleKey: "history_title",
            HistoryBody(
                id: id.uuidString,
                rows: rows.map { row in
                    HistoryRow(
                        when: req.dateTime(row.when, organization: actor.organization),
                        who: row.who.isEmpty
                            ? req.t("history_someone")
                            : row.who + (row.role.map { " (" + req.t("role_" + $0) + ")" } ?? ""),
                        what: req.t(AccessHistory.messageKey(action: row.action, outcome: row.outcome)),
                        denied: row.outcome != "success")
                },
                previousLink: page > 1 ? base + String(page - 1) : nil,
                nextLink: hasMore ? base + String(page + 1) : nil, isOwn: isOwn, showsMine: showsMine
            ))
    }
}
