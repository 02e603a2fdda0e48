import Fluent
import Foundation
import TandemKit
import Vapor

/// The check-in pages: a participant's own daily check-in (`/check-in`), and a
/// participant's history for them, their coaches and supervisors, with follow-up of
/// requests to reach out and the CSV download. The service checks access and audits.
struct CheckInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("check-in", use: form)
        routes.post("check-in", use: submit)
        routes.get("check-in", "done", use: done)
        let history = routes.grouped("participants", ":participantID")
        history.get("check-ins", use: list)
        history.get("check-ins.csv", use: csv)
        history.post("check-ins", ":checkInID", "follow-up", use: followUp)
    }

    /// The form as sent. Numbers stay text until checked, so "abc" is an error, not a blank.
    struct CheckInForm: Content {
        var mood: String?
        var craving: String?
        var use: String?
        var supports: [String]?
        var went_well: String?
        var reach_out: String?

        var answers: CheckInAnswers {
            CheckInAnswers(
                mood: FormNumber.parse(mood), craving: FormNumber.parse(craving), use: use ?? "",
                supports: supports ?? [],
                wentWell: went_well ?? "", wantsReachOut: reach_out == "yes")
        }

        init(_ answers: CheckInAnswers? = nil) {
            guard let answers else { return }
            mood = answers.mood.map(String.init)
            craving = answers.craving.map(String.init)
            use = answers.use
            supports = answers.supports
            went_well = answers.wentWell
            reach_out = answers.wantsReachOut ? "yes" : nil
        }
    }

    struct FormBody: Encodable, Sendable {
        let isChange: Bool
        let today: String
        let moods: [CheckOption]
        let cravings: [CheckOption]
        let uses: [CheckOption]
        let supports: [CheckOption]
        let wentWell: String
        let reachOut: Bool
        let reachOutFollowedUp: Bool
    }

    /// The signed-in participant's own record; 403 for anyone else (staff check in no one).
    private func own(_ req: Request) async throws -> (Actor, Participant) {
        let actor = try await req.signedIn().actor
        // A family member's check-in asks about their own wellbeing (`/wellbeing`).
        if actor.role == .family { throw Abort.redirect(to: "/wellbeing", redirectType: .normal) }
        guard let participant = try await CheckInService(req, actor: actor).ownRecord() else {
            throw ServiceError.denied
        }
        return (actor, participant)
    }

    private func formBody(
        _ form: CheckInForm, today: CalendarDate, existing: CheckIn?, req: Request
    ) -> FormBody {
        func scale(_ range: ClosedRange<Int>, prefix: String, chosen: String?) -> [CheckOption] {
            range.map {
                CheckOption(value: String($0), label: req.t(prefix + String($0)), checked: chosen == String($0))
            }
        }
        return FormBody(
            isChange: existing != nil, today: today.written(req.messages),
            moods: scale(CheckInAnswers.moodRange, prefix: "checkin_mood_", chosen: form.mood),
            cravings: scale(CheckInAnswers.cravingRange, prefix: "checkin_craving_", chosen: form.craving),
            uses: req.checks(SubstanceUseAnswer.self, prefix: "checkin_use_", checked: [form.use ?? ""]),
            supports: req.checks(CheckInSupport.self, prefix: "checkin_support_", checked: form.supports ?? []),
            wentWell: form.went_well ?? "", reachOut: form.reach_out == "yes",
            reachOutFollowedUp: existing?.reachOut == .followedUp)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let (actor, participant) = try await own(req)
        let service = CheckInService(req, actor: actor)
        let (_, existing) = try await service.todays(participant.id!)
        let today = service.today(for: participant)
        // Meetings the person noted going to today are offered ticked in the day's first
        // check-in; they decide when sending, and a check-in already sent stays as they left it.
        var form = CheckInForm(existing?.answers)
        if existing == nil {
            form.supports = try await MyMeetingsService.supports(
                of: participant.id!, organizationID: actor.organizationID, on: today, db: req.db)
        }
        return try await req.page(
            "checkins/form", titleKey: "checkin_title", formBody(form, today: today, existing: existing, req: req))
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let (actor, participant) = try await own(req)
        let form = (try? req.content.decode(CheckInForm.self)) ?? CheckInForm()
        let service = CheckInService(req, actor: actor)
        do {
            _ = try await service.submit(participant.id!, form.answers)
            return .redirect("/check-in/done")
        } catch ServiceError.invalid(let problems) {
            let (_, existing) = try await service.todays(participant.id!)
            return try await req.page(
                "checkins/form", titleKey: "checkin_title",
                formBody(form, today: service.today(for: participant), existing: existing, req: req),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct DoneBody: Encodable, Sendable {
        let usedToday: Bool
        let reachOut: Bool
        let streak: Int
        let streakText: String
        let participantID: String
        /// What the person wrote raised a crisis alert: the crisis card shows first.
        let crisis: Bool
        /// Whether anyone coaches them now (a request to reach out reaches a coach).
        let hasCoach: Bool
        let card: SafetyController.CrisisCard?
    }

    /// The kind word after a check-in: thanks; for a "yes" to use, thanks for saying so and
    /// what may help; for a request, that the coach will reach out.
    @Sendable func done(req: Request) async throws -> Response {
        let (actor, participant) = try await own(req)
        let service = CheckInService(req, actor: actor)
        let (_, todays) = try await service.todays(participant.id!)
        guard let todays else { return .redirect("/check-in") }
        let (streak, _, _) = try await service.streak(of: participant.id!, today: service.today(for: participant))
        let signedIn = try await req.signedIn()
        let safety = SafetyService(req, actor: actor)
        let crisis = try await safety.raised(keyPrefix: "check_in:\(todays.id!.uuidString):")
        // Someone who joined a program on their own may have no coach yet: no one would see
        // the request, so the page says so rather than promise a call.
        let hasCoach = try await !safety.coachContacts(of: participant.id!).isEmpty
        return try await req.page(
            "checkins/done", titleKey: "checkin_done_title",
            DoneBody(
                usedToday: todays.substanceUse == SubstanceUseAnswer.yes.rawValue, reachOut: todays.reachOut == .open,
                streak: streak, streakText: req.messages.counted("checkin_done_streak", streak),
                participantID: participant.id!.uuidString, crisis: crisis, hasCoach: hasCoach,
                card: crisis ? try await SafetyController.card(signedIn, req: req, wrote: true) : nil))
    }

    struct Row: Encodable, Sendable {
        let id: String
        let date: String
        let isoDate: String
        let mood: String
        let craving: String
        let use: String
        let supports: String
        let wentWell: String
        let reachOutOpen: Bool
        let followedUp: String?
    }

    struct HistoryBody: Encodable, Sendable {
        let id: String
        let name: String
        let isSelf: Bool
        let rows: [Row]
        let streak: String
        let last30: String
        let canFollowUp: Bool
        let canExport: Bool
        let checkedInToday: Bool
        let followed: Bool
        let page: Int
        let previousLink: String?
        let nextLink: String?
    }

    struct ListQuery: Content {
        var page: Int?
        var followed: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let query = (try? req.query.decode(ListQuery.self)) ?? ListQuery()
        let page = max(1, min(query.page ?? 1, 10_000))
        let history = try await CheckInService(req, actor: actor).history(id, page: page)
        func link(_ page: Int) -> String { "/participants/\(id.uuidString)/check-ins?page=\(page)" }
        let rows = history.checkIns.map { checkIn in
            Row(
                id: checkIn.id!.uuidString, date: req.calendarDate(checkIn.localDate), isoDate: checkIn.localDate,
                mood: req.t("checkin_mood_\(checkIn.mood)"), craving: String(checkIn.craving),
                use: checkIn.substanceUse.isEmpty ? "—" : req.t("checkin_use_" + checkIn.substanceUse),
                supports: ValueList.split(checkIn.supports).map { req.t("checkin_support_" + $0) }.joined(
                    separator: ", "),
                wentWell: checkIn.wentWell, reachOutOpen: checkIn.reachOut == .open,
                followedUp: checkIn.reachOut == .followedUp
                    ? checkIn.followedUpAt.map { req.dateTime($0, organization: actor.organization) } ?? "" : nil)
        }
        let relation = history.relation
        return try await req.page(
            "checkins/history", titleKey: "checkins_title",
            HistoryBody(
                id: id.uuidString, name: history.participant.preferredName, isSelf: relation.isSelf, rows: rows,
                streak: req.messages.counted("checkins_streak", history.streak),
                last30: req.messages.counted("checkins_last30", history.last30),
                canFollowUp: ParticipantAccess.can(actor.role, .followUp, relation),
                canExport: ParticipantAccess.can(actor.role, .export, relation),
                checkedInToday: history.checkIns.first?.localDate == history.today.description,
                followed: query.followed != nil, page: page, previousLink: page > 1 ? link(page - 1) : nil,
                nextLink: history.hasMore ? link(page + 1) : nil))
    }

    @Sendable func followUp(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let checkInID = try req.id("checkInID")
        do {
            try await CheckInService(req, actor: actor).followUp(id, checkIn: checkInID)
        } catch ServiceError.conflict {
            // Already followed up (by a colleague, or a second click): the history shows it.
        }
        return .redirect("/participants/\(id.uuidString)/check-ins?followed=1")
    }

    @Sendable func csv(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let id = try req.id("participantID")
        let text = try await CheckInService(req, actor: actor).csv(id)
        return .text(text, subType: "csv", filename: "check-ins.csv")
    }
}
