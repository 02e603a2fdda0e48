import Fluent
import Foundation
import TandemKit
import Vapor

/// The weekly summary of a sober companion engagement: the shifts of the week with their
/// hand-over notes, the hours against the coverage plan, and the shift log. The same
/// summary is the person's page, and what a court or treatment center reads under the
/// person's consent for trip and shift logs. Callers check access; this only reads.
enum CompanionWeeks {
    struct Week: Sendable {
        let engagementID: UUID
        let week: ShiftWeek
        let shifts: [CompanionShift]
        let log: [ShiftLogRecord]
        let names: [UUID: String]
        let summary: ShiftWeekSummary
    }

    /// The weeks of the engagements' shifts: `weeks` when given (a week without shifts is
    /// all gap), otherwise every week a shift falls in, latest first, at most `limit`.
    static func read(
        engagementIDs: [UUID], organizationID: UUID, zone: TimeZone, weeks: [ShiftWeek]? = nil, limit: Int? = nil,
        on db: any Database, now: Date = Date()
    ) async throws -> [Week] {
        guard !engagementIDs.isEmpty else { return [] }
        let plans = try await CoveragePlanVersion.histories(
            of: engagementIDs, organizationID: organizationID, on: db)
        var query = CompanionShift.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$engagementID ~~ engagementIDs)
        let intervals = (weeks ?? []).compactMap { $0.interval(in: zone) }
        if let weeks, !weeks.isEmpty {
            guard let first = intervals.map(\.start).min(), let last = intervals.map(\.end).max() else { return [] }
            query = query.filter(\.$endsAt > first).filter(\.$startsAt < last)
        }
        let shifts = try await query.sort(\.$startsAt).all()
        var wanted: [(engagementID: UUID, week: ShiftWeek)] = []
        for engagementID in engagementIDs {
            let theirs = shifts.filter { $0.engagementID == engagementID }
            let found =
                weeks
                ?? Array(
                    Set(
                        theirs.flatMap { shift in
                            [
                                ShiftWeek(containing: CalendarDate(shift.startsAt, in: zone)),
                                ShiftWeek(containing: CalendarDate(shift.endsAt.addingTimeInterval(-1), in: zone)),
                            ]
                        }))
            wanted += found.map { (engagementID, $0) }
        }
        wanted.sort { $0.week > $1.week }
        if let limit { wanted = Array(wanted.prefix(limit)) }
        let shiftIDs = shifts.map { $0.id! }
        let log =
            shiftIDs.isEmpty
            ? []
            : try await ShiftLogRecord.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$shiftID ~~ shiftIDs).sort(\.$createdAt).all()
        let names = try await Self.names(Set(shifts.map(\.companionID)), on: db)
        return wanted.compactMap { engagementID, week in
            guard let interval = week.interval(in: zone) else { return nil }
            let inWeek = shifts.filter {
                $0.engagementID == engagementID && $0.endsAt > interval.start && $0.startsAt < interval.end
            }
            // An entry belongs to its shift: one written before it starts or after it ends (from
            // a phone that was offline) counts at the shift's nearest edge.
            let bounds = Dictionary(uniqueKeysWithValues: inWeek.map { ($0.id!, ($0.startsAt, $0.endsAt)) })
            let entries = log.filter { entry in
                guard let (start, end) = bounds[entry.shiftID] else { return false }
                let at = min(max(entry.createdAt, start), end.addingTimeInterval(-1))
                return at >= interval.start && at < interval.end
            }
            // The window that starts on the Sunday before can run into this Monday.
            let required = plans[engagementID]?.windows(
                from: week.monday.adding(days: -1) ?? week.monday, through: week.sunday, in: zone)
            return Week(
                engagementID: engagementID, week: week, shifts: inWeek, log: entries, names: names,
                summary: ShiftWeekSummary.make(
                    week: interval, shifts: inWeek.map { ($0.startsAt, $0.endsAt) }, required: required,
                    entries: entries.compactMap { ShiftLogCategory(rawValue: $0.category) }, now: now))
        }
    }

    /// Display names of staff members.
    static func names(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(
            try await User.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.displayName) },
            uniquingKeysWith: { first, _ in first })
    }

    // MARK: - As pages and shared records read it

    struct EntryRow: Encodable, Sendable {
        let at: String
        let category: String
        let categoryKey: String
        let severity: String
        let note: String
        let author: String
    }

    struct ShiftLine: Encodable, Sendable {
        let id: String
        let companion: String
        let from: String
        let to: String
        let hours: String
        let handover: String
    }

    struct CountRow: Encodable, Sendable {
        let label: String
        let count: Int
    }

    struct WeekRow: Encodable, Sendable {
        let monday: String
        /// Tells apart two companion engagements' same week on one page.
        let key: String
        let title: String
        let hours: String
        let planned: String?
        let uncovered: String?
        let counts: [CountRow]
        let shifts: [ShiftLine]
        let entries: [EntryRow]
    }

    static func row(_ week: Week, zone: TimeZone, req: Request) -> WeekRow {
        let summary = week.summary
        return WeekRow(
            monday: week.week.monday.description, key: String(week.engagementID.uuidString.prefix(8)).lowercased(),
            title: req.t("companion_week_of", ["date": week.week.monday.written(req.messages)]),
            hours: CompanionHours.text(quarterHours: summary.quarterHours),
            planned: summary.plannedQuarterHours.map { CompanionHours.text(quarterHours: $0) },
            uncovered: summary.uncoveredQuarterHours.map { CompanionHours.text(quarterHours: $0) },
            counts: ShiftLogCategory.allCases.compactMap { category in
                summary.counts[category].map { CountRow(label: req.t("shift_log_" + category.rawValue), count: $0) }
            },
            shifts: week.shifts.map { shiftLine($0, names: week.names, zone: zone, req: req) },
            entries: week.log.map { entryRow($0, zone: zone, req: req) })
    }

    static func shiftLine(_ shift: CompanionShift, names: [UUID: String], zone: TimeZone, req: Request) -> ShiftLine {
        ShiftLine(
            id: shift.id!.uuidString, companion: names[shift.companionID] ?? "",
            from: TripController.when(shift.startsAt, zone: zone, req: req),
            to: TripController.when(shift.endsAt, zone: zone, req: req),
            hours: req.t(
                "companion_hours",
                [
                    "hours": CompanionHours.text(
                        quarterHours: CompanionHours.quarterHours(from: shift.startsAt, to: shift.endsAt))
                ]),
            handover: shift.handoverNote)
    }

    static func entryRow(_ record: ShiftLogRecord, zone: TimeZone, req: Request) -> EntryRow {
        EntryRow(
            at: TripController.when(record.createdAt, zone: zone, req: req),
            category: req.t("shift_log_" + record.category), categoryKey: record.category,
            severity: record.severity.isEmpty ? "" : req.t("trip_severity_" + record.severity), note: record.note,
            author: record.authorName)
    }
}
