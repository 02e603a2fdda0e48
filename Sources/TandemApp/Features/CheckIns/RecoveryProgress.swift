import Foundation
import TandemKit
import Vapor

/// What the person's own home page and their record show of check-ins and milestones,
/// worked out once for both.
struct RecoveryProgress: Encodable, Sendable {
    let checkedInToday: Bool
    let lastCheckIn: String?
    let streak: Int
    /// "3 days checked in in a row".
    let streakText: String
    /// Days since the recovery start date, when the person has one and the viewer may see it.
    let dayCount: Int?
    let hasDayCount: Bool
    /// A milestone reached in the last week, said warmly.
    let celebration: String?
    let nextMilestone: String?
    /// "Latest BARC-10 total: 44 of 60 (up)".
    let capital: String?
    let capitalDue: Bool
    /// "2 of 5 goals done", or nil before the plan's first version.
    let plan: String?

    /// Reads the last check-in and the streak; the milestones only when `seesRecoveryDate`.
    static func of(
        _ participant: Participant, seesRecoveryDate: Bool, service: CheckInService, req: Request
    ) async throws -> RecoveryProgress {
        let today = service.today(for: participant)
        let (streak, _, last) = try await service.streak(of: participant.id!, today: today)
        let scored = try await RecoveryCapitalService(req, actor: service.actor).lastScored(of: participant.id!)
        let trend = Trend.of(previous: scored.dropFirst().first?.total, latest: scored.first?.total)
        let capital = scored.first?.total.map { total in
            req.t("progress_capital", ["total": String(total)])
                + (trend.map { " (" + req.t("trend_" + $0.rawValue) + ")" } ?? "")
        }
        let plan = try await PlanService(req, actor: service.actor).goalCounts(of: participant.id!).map {
            req.t("plan_goals_done", ["done": String($0.done), "total": String($0.total)])
        }
        let capitalDue = Reassessment.isDue(
            lastScored: scored.first.flatMap { CalendarDate($0.completedOn) },
            intervalDays: service.actor.organization.reassessmentIntervalDays, today: today)
        var dayCount: Int?
        var celebration: String?
        var next: String?
        if seesRecoveryDate, let start = CalendarDate(participant.recoveryStartDate), start <= today {
            dayCount = Milestones.dayCount(start: start, today: today)
            celebration = Milestones.recent(start: start, today: today).map {
                req.t(
                    "milestone_celebration", ["milestone": name($0, req: req), "date": $0.date.written(req.messages)])
            }
            next = Milestones.next(start: start, today: today).map {
                req.t("milestone_next", ["milestone": name($0, req: req), "date": $0.date.written(req.messages)])
            }
        }
        return RecoveryProgress(
            checkedInToday: last == today, lastCheckIn: last?.written(req.messages), streak: streak,
            streakText: req.messages.counted("checkins_streak", streak), dayCount: dayCount,
            hasDayCount: dayCount != nil,
            celebration: celebration, nextMilestone: next, capital: capital, capitalDue: capitalDue,
            plan: plan)
    }

    static func name(_ milestone: Milestone, req: Request) -> String {
        req.t(milestone.messageKey, ["count": String(milestone.count)])
    }
}
