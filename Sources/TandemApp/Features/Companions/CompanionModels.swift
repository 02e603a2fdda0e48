import Fluent
import Foundation
import TandemKit

/// The coverage plan of a sober companion engagement.
final class CoveragePlanRecord: Model, @unchecked Sendable {
    static let schema = "coverage_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "engagement_id") var engagementID: UUID
    @Field(key: "pattern") var pattern: String
    /// HH:MM; used by a custom plan.
    @Field(key: "start_time") var startTime: String
    @Field(key: "end_time") var endTime: String
    /// `,2,3,4,` (Calendar weekday numbers, 1 = Sunday).
    @Field(key: "weekdays") var weekdays: String
    /// What an hour of companionship is billed at (not H0038: a companion bills by the hour).
    @Field(key: "hourly_rate_cents") var hourlyRateCents: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var plan: CoveragePlan? {
        Self.plan(pattern: pattern, startTime: startTime, endTime: endTime, weekdays: weekdays)
    }

    static func plan(pattern: String, startTime: String, endTime: String, weekdays: String) -> CoveragePlan? {
        guard let pattern = CoveragePattern(rawValue: pattern) else { return nil }
        let days = Set(weekdays.split(separator: ",").compactMap { Int($0) })
        return CoveragePlan.of(pattern, start: TimeOfDay(startTime), end: TimeOfDay(endTime), weekdays: days)
    }
}

/// Each coverage plan as it was saved, from that moment on: past weeks and past shifts are
/// read against the plan and rate of their own time (`CoverageHistory`).
final class CoveragePlanVersion: Model, @unchecked Sendable {
    static let schema = "coverage_plan_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "engagement_id") var engagementID: UUID
    @Field(key: "pattern") var pattern: String
    @Field(key: "start_time") var startTime: String
    @Field(key: "end_time") var endTime: String
    @Field(key: "weekdays") var weekdays: String
    @Field(key: "hourly_rate_cents") var hourlyRateCents: Int
    @Field(key: "effective_from") var effectiveFrom: Date

    init() {}

    init(of record: CoveragePlanRecord, from moment: Date) {
        organizationID = record.organizationID
        engagementID = record.engagementID
        pattern = record.pattern
        startTime = record.startTime
        endTime = record.endTime
        weekdays = record.weekdays
        hourlyRateCents = record.hourlyRateCents
        effectiveFrom = moment
    }

    /// The histories of the engagements' plans; an engagement without a plan has none.
    static func histories(of engagementIDs: [UUID], organizationID: UUID, on db: any Database) async throws
        -> [UUID: CoverageHistory]
    {
        guard !engagementIDs.isEmpty else { return [:] }
        let versions = try await query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$engagementID ~~ engagementIDs).sort(\.$effectiveFrom).all()
        return Dictionary(grouping: versions, by: \.engagementID).mapValues { theirs in
            CoverageHistory(
                theirs.map {
                    CoverageHistory.Version(
                        from: $0.effectiveFrom,
                        plan: CoveragePlanRecord.plan(
                            pattern: $0.pattern, startTime: $0.startTime, endTime: $0.endTime, weekdays: $0.weekdays),
                        hourlyRateCents: $0.hourlyRateCents)
                })
        }
    }
}

/// One shift of a companion with the person; closed by its hand-over note.
final class CompanionShift: Model, @unchecked Sendable {
    static let schema = "companion_shifts"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "engagement_id") var engagementID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "companion_id") var companionID: UUID
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    /// What the next companion needs to know; required to close the shift.
    @Field(key: "handover_note") var handoverNote: String
    @OptionalField(key: "handed_over_at") var handedOverAt: Date?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One entry of a shift log.
final class ShiftLogRecord: Model, @unchecked Sendable {
    static let schema = "shift_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "shift_id") var shiftID: UUID
    @Field(key: "category") var category: String
    @Field(key: "severity") var severity: String
    @Field(key: "note") var note: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @Field(key: "client_key") var clientKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
