import Fluent
import Foundation
import TandemKit
import Vapor

/// The outreach list (`/outreach`), recording an attempt from it in one click, and the
/// outreach rules (`/admin/outreach`). The service checks access and audits.
struct OutreachController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("outreach", use: list)
        routes.post("participants", ":participantID", "outreach", use: record)
        routes.get("admin", "outreach", use: settingsForm)
        routes.post("admin", "outreach", use: saveSettings)
    }

    struct Row: Encodable, Sendable {
        let participantID: String
        let name: String
        let reasons: [String]
        /// The first reason, recorded with the attempt.
        let reason: String
        let lastContact: String
    }

    struct ListBody: Encodable, Sendable {
        let rows: [Row]
        let methods: [SelectOption]
        let outcomes: [SelectOption]
        let coaches: [SelectOption]
        let coach: String
        let recorded: Bool
        /// Referrals whose follow-up day has come.
        let followUps: [FollowUpRow]
        /// Requests for correction waiting for an answer from the actor (or anyone, for
        /// supervisors and admins).
        let corrections: [CorrectionRow]
        /// The actor's own session notes a reviewer sent back, waiting for their addendum.
        let returnedNotes: [ReturnedNote]
    }

    struct ReturnedNote: Encodable, Sendable {
        let id: String
        let date: String
        let comment: String
    }

    struct CorrectionRow: Encodable, Sendable {
        let participantID: String
        let name: String
        let section: String
        let asked: String
    }

    struct FollowUpRow: Encodable, Sendable {
        let referralID: String
        let participantID: String
        let name: String
        let resource: String
        let status: String
        let due: String
    }

    struct ListQuery: Content {
        var coach: String?
        var recorded: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.viewCaseloads)
        let query = (try? req.query.decode(ListQuery.self)) ?? ListQuery()
        let coach = query.coach.flatMap(UUID.init(uuidString:))
        let rows = try await OutreachService(req, actor: signedIn.actor).list(coach: coach)
        let followUps = try await ReferralService(req, actor: signedIn.actor).followUps(coach: coach)
        let corrections = try await CorrectionService(req, actor: signedIn.actor).open()
        let returned = try await SessionNoteService(req, actor: signedIn.actor).returnedToMe()
        let seesOthers = ParticipantAccess.reach(of: signedIn.role) == .organization
        var coaches: [SelectOption] = []
        if seesOthers {
            let staff = try await Membership.query(on: req.db).filter(\.$organization.$id == signedIn.organizationID)
                .filter(\.$role ~~ [Role.admin, .supervisor, .coach]).with(\.$user).all()
            let chosen = coach ?? signedIn.userID
            let named: [(id: UUID, name: String)] = staff.map { ($0.$user.id, $0.user.displayName) }
            coaches = named.sorted { $0.name < $1.name }.map {
                SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id == chosen)
            }
        }
        return try await req.page(
            "outreach/list", titleKey: "outreach_title",
            ListBody(
                rows: rows.map { row in
                    Row(
                        participantID: row.participantID.uuidString, name: row.participantName,
                        reasons: row.attention.map { req.t($0.rawValue) },
                        reason: row.attention.first?.reason.rawValue ?? "",
                        lastContact: row.lastContact.map { req.dateTime($0, organization: signedIn.organization) }
                            ?? req.t("outreach_never"))
                },
                methods: OutreachMethod.allCases.map {
                    SelectOption(
                        value: $0.rawValue, label: req.t("outreach_method_" + $0.rawValue), selected: $0 == .phone)
                },
                outcomes: OutreachOutcome.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("outreach_outcome_" + $0.rawValue), selected: false)
                }, coaches: coaches, coach: (coach ?? signedIn.userID).uuidString, recorded: query.recorded != nil,
                followUps: followUps.map {
                    FollowUpRow(
                        referralID: $0.referralID.uuidString, participantID: $0.participantID.uuidString,
                        name: $0.participantName, resource: $0.resourceName,
                        status: req.t("referral_status_" + $0.status.rawValue),
                        due: CalendarDate($0.followUpOn)?.written(req.messages) ?? $0.followUpOn)
                },
                corrections: corrections.map { request, name in
                    CorrectionRow(
                        participantID: request.participantID.uuidString, name: name,
                        section: req.t("correction_section_" + request.section),
                        asked: request.createdAt.map { req.dateTime($0, organization: signedIn.organization) } ?? "")
                },
                returnedNotes: returned.map {
                    ReturnedNote(
                        id: $0.id!.uuidString, date: CalendarDate($0.localDate)?.written(req.messages) ?? $0.localDate,
                        comment: $0.reviewComment)
                }))
    }

    struct RecordForm: Content {
        var method: String?
        var outcome: String?
        var reason: String?
        var coach: String?
    }

    @Sendable func record(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let id = try req.id("participantID")
        let form = (try? req.content.decode(RecordForm.self)) ?? RecordForm()
        do {
            try await OutreachService(req, actor: signedIn.actor).record(
                id, method: form.method ?? "", outcome: form.outcome ?? "", reason: form.reason ?? "")
        } catch ServiceError.invalid {
            throw Abort(.unprocessableEntity, reason: "Choose how you tried and how it went.")
        }
        // Back to the same coach's list; the id is checked, not echoed.
        let coach = form.coach.flatMap(UUID.init(uuidString:)).map { "&coach=\($0.uuidString)" } ?? ""
        return .redirect("/outreach?recorded=1" + coach)
    }

    // MARK: Settings

    struct SettingsBody: Encodable, Sendable {
        let noContactDays: String
        let missedAppointments: Bool
        let reachOutRequests: Bool
        let checkUpDays: String
        let aftercareDays: String
        var saved: Bool
    }

    @Sendable func settingsForm(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let policy = try await OutreachService.policy(of: signedIn.organizationID, on: req.db)
        return try await req.page(
            "admin/outreach", titleKey: "outreach_settings_title",
            SettingsBody(
                noContactDays: String(policy.noContactDays), missedAppointments: policy.missedAppointments,
                reachOutRequests: policy.reachOutRequests,
                checkUpDays: policy.checkUpDays.map(String.init).joined(separator: ", "),
                aftercareDays: policy.aftercareDays.map(String.init).joined(separator: ", "), saved: false))
    }

    struct SettingsForm: Content {
        var no_contact_days: String?
        var missed_appointments: String?
        var reach_out_requests: String?
        var check_up_days: String?
        var aftercare_days: String?
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let signedIn = try await req.authorize(.editSettings)
        let form = (try? req.content.decode(SettingsForm.self)) ?? SettingsForm()
        let input = OutreachService.PolicyInput(
            noContactDays: form.no_contact_days ?? "", missedAppointments: form.missed_appointments != nil,
            reachOutRequests: form.reach_out_requests != nil, checkUpDays: form.check_up_days ?? "",
            aftercareDays: form.aftercare_days ?? AftercarePlan.defaultDays.map(String.init).joined(separator: ", "))
        var body = SettingsBody(
            noContactDays: input.noContactDays, missedAppointments: input.missedAppointments,
            reachOutRequests: input.reachOutRequests, checkUpDays: input.checkUpDays,
            aftercareDays: input.aftercareDays, saved: true)
        do {
            _ = try await OutreachService(req, actor: signedIn.actor).savePolicy(input)
        } catch ServiceError.invalid(let problems) {
            body.saved = false
            return try await req.page(
                "admin/outreach", titleKey: "outreach_settings_title", body,
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
        return try await req.page("admin/outreach", titleKey: "outreach_settings_title", body)
    }
}
