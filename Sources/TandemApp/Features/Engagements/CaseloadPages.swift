import Fluent
import Foundation
import TandemKit
import Vapor

/// The home page's two daily views: a staff member's caseload, and a participant's own
/// coaches, engagements and agreements.
enum CaseloadPages {
    struct Filter: Content {
        var status: String?
        var service: String?
        var coach: String?
        var page: Int?
    }

    struct Body: Encodable, Sendable {
        let name: String
        let hasRows: Bool
        /// The table of engagements, written by `CaseloadTable` with every value escaped.
        let table: String
        /// The filters' options, written by `HTMLWriter` with every value escaped (a
        /// supervisor's list of coaches may run to thousands).
        let statusOptions: String
        let serviceOptions: String
        let coachOptions: String
        let seesEveryone: Bool
        let page: Int
        let previousLink: String?
        let nextLink: String?
        let twoFactorEnabled: Bool
        let isAdmin: Bool
        /// Crisis alerts waiting for someone to acknowledge them.
        let openAlerts: Int
        let openAlertsText: String
    }

    static func caseload(_ signedIn: SignedIn, req: Request) async throws -> Response {
        let actor = signedIn.actor
        let input = (try? req.query.decode(Filter.self)) ?? Filter()
        let seesEveryone = ParticipantAccess.reach(of: actor.role) == .organization
        var filter = EngagementService.CaseloadFilter()
        let statusChoice = input.status.flatMap { $0 == "all" || EngagementStatus(rawValue: $0) != nil ? $0 : nil }
        filter.status = statusChoice ?? "open"
        filter.serviceType = input.service.flatMap(ServiceType.init(rawValue:))
        filter.coachID = seesEveryone ? input.coach.flatMap(UUID.init(uuidString:)) : nil
        filter.page = max(1, min(input.page ?? 1, 10_000))
        filter.withCoaches = seesEveryone
        filter.byUrgency = true
        filter.countsOpenAlerts = true
        let service = EngagementService(req, actor: actor)
        let caseload = try await service.caseload(filter)
        let (rows, hasMore, openAlerts) = (caseload.rows, caseload.hasMore, caseload.openAlerts)
        let staff = seesEveryone ? try await service.staff() : []
        var query: [String] = ["status=\(filter.status)"]
        if let type = filter.serviceType { query.append("service=\(type.rawValue)") }
        if let coach = filter.coachID { query.append("coach=\(coach.uuidString)") }
        func link(_ page: Int) -> String { "/?" + (query + ["page=\(page)"]).joined(separator: "&") }
        let statuses =
            [SelectOption(value: "open", label: req.t("caseload_open"), selected: filter.status == "open")]
            + EngagementStatus.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: req.t("status_" + $0.rawValue), selected: filter.status == $0.rawValue)
            } + [SelectOption(value: "all", label: req.t("caseload_all"), selected: filter.status == "all")]
        let body = Body(
            name: actor.user.displayName,
            hasRows: !rows.isEmpty,
            table: rows.isEmpty
                ? "" : CaseloadTable(rows: rows, showsCoach: seesEveryone, messages: req.messages).html(),
            statusOptions: HTMLWriter.options(statuses),
            serviceOptions: HTMLWriter.options(
                [SelectOption(value: "", label: req.t("caseload_all_services"), selected: filter.serviceType == nil)]
                    + req.options(ServiceType.self, prefix: "service_", selected: filter.serviceType?.rawValue)),
            coachOptions: seesEveryone ? coachOptions(staff, selected: filter.coachID, req: req) : "",
            seesEveryone: seesEveryone, page: filter.page, previousLink: filter.page > 1 ? link(filter.page - 1) : nil,
            nextLink: hasMore ? link(filter.page + 1) : nil, twoFactorEnabled: actor.user.twoFactorEnabled,
            isAdmin: actor.role == .admin, openAlerts: openAlerts,
            openAlertsText: req.t("alerts_open_count", ["count": String(openAlerts)]))
        return try await req.page("caseload", titleKey: seesEveryone ? "caseload_all_title" : "caseload_title", body)
    }

    private static func coachOptions(_ staff: [(id: UUID, name: String)], selected: UUID?, req: Request) -> String {
        HTMLWriter.options(
            [SelectOption(value: "", label: req.t("caseload_all_coaches"), selected: selected == nil)]
                + staff.map { SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id == selected) })
    }

    struct OwnEngagement: Encodable, Sendable {
        let id: String
        let service: String
        let status: String
        let coaches: String
        let agreementComplete: Bool
        let needsMySignature: Bool
        /// A completed or closed engagement's agreement no longer waits for anyone.
        let isOpen: Bool
    }

    struct ParticipantBody: Encodable, Sendable {
        let name: String
        let participantID: String?
        let engagements: [OwnEngagement]
        let coaches: [String]
        let progress: RecoveryProgress?
        /// The next few appointments, soonest first.
        let appointments: [AppointmentController.Row]
        /// A family member checks in on their own wellbeing, and sees what loved ones share.
        let isFamily: Bool
        let sharers: [SharedController.Person]
        /// "New messages from your coach: 2." when there are any, linking to the messages.
        var unreadMessages: String? = nil
        /// The online programs they joined, each leading back to its start.
        var programs: [SelectOption] = []
    }

    /// The loved ones whose consents in force name a family member's account.
    private static func sharers(_ signedIn: SignedIn, req: Request) async throws -> [SharedController.Person] {
        guard signedIn.role == .family else { return [] }
        return try await DisclosureService(req, actor: signedIn.actor).sharedWithMe().map {
            SharedController.Person(
                id: $0.participant.id!.uuidString, name: $0.participant.preferredName,
                categories: ConsentController.categoryList($0.categories, req: req))
        }
    }

    static func participantHome(_ signedIn: SignedIn, req: Request) async throws -> Response {
        let actor = signedIn.actor
        let service = EngagementService(req, actor: actor)
        guard let (participant, summaries) = try await service.own() else {
            return try await req.page(
                "participant-home", titleKey: "home_title",
                ParticipantBody(
                    name: actor.user.displayName, participantID: nil, engagements: [], coaches: [], progress: nil,
                    appointments: [], isFamily: signedIn.role == .family,
                    sharers: try await sharers(signedIn, req: req)))
        }
        let agreements = AgreementService(req, actor: actor)
        var engagements: [OwnEngagement] = []
        for summary in summaries {
            let state = try await agreements.state(of: summary.engagement)
            engagements.append(
                OwnEngagement(
                    id: summary.engagement.id!.uuidString,
                    service: req.t("service_" + summary.engagement.serviceType.rawValue),
                    status: req.t("status_" + summary.engagement.status.rawValue),
                    coaches: summary.coaches.map(\.name).joined(separator: ", "), agreementComplete: state.complete,
                    needsMySignature: summary.engagement.status.isOpen && !state.participantSigned,
                    isOpen: summary.engagement.status.isOpen))
        }
        var coaches: [String] = []
        for summary in summaries where summary.engagement.status.isOpen {
            for coach in summary.coaches where !coaches.contains(coach.name) { coaches.append(coach.name) }
        }
        let progress = try await RecoveryProgress.of(
            participant, seesRecoveryDate: true, service: CheckInService(req, actor: actor), req: req)
        let upcoming = try await AppointmentService(req, actor: actor).list(of: participant.id!, pastLimit: 1)
            .upcoming.prefix(3)
        let coachNames = try await AppointmentController.coachNames(Array(upcoming), req: req)
        let timeZone = TimeZone(identifier: actor.organization.timeZone) ?? .gmt
        let unread = try await MessageService(req, actor: actor).threads().reduce(0) { $0 + $1.unread }
        var body = ParticipantBody(
            name: participant.preferredName, participantID: participant.id!.uuidString, engagements: engagements,
            coaches: coaches, progress: progress,
            appointments: upcoming.map {
                AppointmentController.row($0, name: coachNames[$0.coachID] ?? "", req: req, timeZone: timeZone)
            }, isFamily: signedIn.role == .family, sharers: try await sharers(signedIn, req: req))
        if unread > 0 { body.unreadMessages = req.t("messages_home_unread", ["count": String(unread)]) }
        body.programs = try await ProgramService.joined(
            by: participant.id!, in: actor.organizationID, on: req.db
        ).map { SelectOption(value: $0.id!.uuidString, label: $0.title, selected: false) }
        return try await req.page("participant-home", titleKey: "home_title", body)
    }
}
