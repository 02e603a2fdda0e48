import Fluent
import Foundation
import TandemKit

/// The demo's sober companion nights: a plan of nights, last night's shift logged and handed
/// over, tonight's shift, and the nights after left open, so the coverage page shows gaps and
/// the weekly summary has a week to show.
enum DemoCompanions {
    static func populate(organization: Organization, users: [String: User], on db: any Database) async throws {
        guard let sam = users["sam@demo.tandem.test"],
            let engagement = try await Engagement.query(on: db).filter(\.$organizationID == organization.id!)
                .filter(\.$serviceType == .soberCompanion).filter(\.$status == .active).sort(\.$startDate).first()
        else { return }
        let zone = TimeZone(identifier: organization.timeZone) ?? .gmt
        let now = Date()
        let plan = CoveragePlanRecord()
        plan.organizationID = organization.id!
        plan.engagementID = engagement.id!
        plan.pattern = CoveragePattern.nights.rawValue
        plan.startTime = ""
        plan.endTime = ""
        plan.weekdays = ""
        plan.hourlyRateCents = 32_00
        plan.updatedAt = now
        try await plan.create(on: db)
        try await CoveragePlanVersion(of: plan, from: now).create(on: db)
        let today = CalendarDate(now, in: zone)
        for (offset, handover) in [
            (-1, "Slept well from midnight. Call her sister before 10; she is expecting it."), (0, ""),
        ] {
            guard let day = today.adding(days: offset), let next = day.adding(days: 1),
                let start = AppointmentDraft.instant(day, TimeOfDay("20:00")!, in: zone),
                let end = AppointmentDraft.instant(next, TimeOfDay("08:00")!, in: zone)
            else { continue }
            let shift = CompanionShift()
            shift.organizationID = organization.id!
            shift.engagementID = engagement.id!
            shift.participantID = engagement.$participant.id
            shift.companionID = sam.id!
            shift.startsAt = start
            shift.endsAt = end
            shift.handoverNote = handover
            shift.handedOverAt = handover.isEmpty ? nil : end
            shift.createdBy = sam.id!
            shift.createdAt = start.addingTimeInterval(-86_400)
            try await shift.create(on: db)
            guard !handover.isEmpty else { continue }
            let entries: [(ShiftLogCategory, String, TimeInterval)] = [
                (.meetingAttended, "Evening meeting at the clubhouse; she shared for the first time.", 1_800),
                (.trigger, "An old friend called offering a ride to a party; she said no and we made tea.", 9_000),
                (.mood, "Tired but steady.", 14_400),
            ]
            for (index, entry) in entries.enumerated() {
                let record = ShiftLogRecord()
                record.organizationID = organization.id!
                record.shiftID = shift.id!
                record.category = entry.0.rawValue
                record.severity = ""
                record.note = entry.1
                record.authorID = sam.id!
                record.authorName = sam.displayName
                record.clientKey = "demo-shift-\(index)"
                record.createdAt = start.addingTimeInterval(entry.2)
                try await record.create(on: db)
            }
        }
    }
}
