import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Sober companion assignments through the service: the plan, shifts without double booking,
/// and the gaps in coverage before they happen.
@Suite("Companion assignments")
struct CompanionTests {
    static func service(_ app: Application, _ account: Account, _ role: Role) -> CompanionService {
        let req = Request(application: app, on: app.eventLoopGroup.any())
        return CompanionService(req, actor: Actor(user: account.user, organization: account.organization, role: role))
    }

    @Test("nights covered by two shifts leave no gap; a missing shift shows as one; a companion is not on two shifts")
    func coverage() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let companion = try await app.addMember(.coach, to: admin.organization, email: "companion@example.org")
            let (_, engagement) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, service: .soberCompanion)
            let (_, other) = try await app.makeParticipant("Ana", in: admin.organization, coach: coach.user)
            let service = Self.service(app, coach, .coach)
            await #expect(throws: ServiceError.self) {
                _ = try await service.savePlan(other.id!, pattern: "nights", start: "", end: "", weekdays: [])
            }
            _ = try await service.savePlan(engagement.id!, pattern: "nights", start: "", end: "", weekdays: [])
            let zone = TimeZone(identifier: admin.organization.timeZone)!
            let tomorrow = ParticipantService.today(in: admin.organization).adding(days: 1)!
            let after = tomorrow.adding(days: 1)!
            _ = try await service.addShift(
                engagement.id!, companion: companion.user.id!.uuidString, startDate: tomorrow.description,
                startTime: "20:00", endDate: after.description, endTime: "02:00")
            _ = try await service.addShift(
                engagement.id!, companion: coach.user.id!.uuidString, startDate: after.description,
                startTime: "02:00", endDate: after.description, endTime: "08:00")
            do {
                _ = try await service.addShift(
                    engagement.id!, companion: companion.user.id!.uuidString, startDate: tomorrow.description,
                    startTime: "23:00", endDate: after.description, endTime: "01:00")
                Issue.record("a companion was booked on two shifts at once")
            } catch ServiceError.invalid(let problems) {
                #expect(problems.map(\.key) == ["error_shift_double_booked"])
            }
            let coverage = try await service.coverage(engagement.id!, days: 3)
            #expect(coverage.shifts.count == 2)
            let night = AppointmentDraft.instant(tomorrow, TimeOfDay("20:00")!, in: zone)!
            #expect(!coverage.gaps.contains { $0.start == night })
            // The night after has no shifts at all: the whole of it is a gap.
            let next = AppointmentDraft.instant(after, TimeOfDay("20:00")!, in: zone)!
            #expect(coverage.gaps.contains { $0.start == next && $0.end.timeIntervalSince(next) >= 11 * 3600 })
        }
    }

    @Test(
        "the companion on shift logs it (an entry sent twice kept once), hands over with a note, and nobody else logs")
    func shiftLog() async throws {
        try await withTandem { app in
            let admin = try await app.makeOrganization()
            let coach = try await app.addMember(.coach, to: admin.organization, email: "coach@example.org")
            let companion = try await app.addMember(.coach, to: admin.organization, email: "companion@example.org")
            let next = try await app.addMember(.coach, to: admin.organization, email: "next@example.org")
            let (_, engagement) = try await app.makeParticipant(
                "Rosa", in: admin.organization, coach: coach.user, service: .soberCompanion)
            let today = ParticipantService.today(in: admin.organization)
            let planner = Self.service(app, coach, .coach)
            let first = try await planner.addShift(
                engagement.id!, companion: companion.user.id!.uuidString, startDate: today.description,
                startTime: "08:00", endDate: today.description, endTime: "16:00")
            let second = try await planner.addShift(
                engagement.id!, companion: next.user.id!.uuidString, startDate: today.description,
                startTime: "16:00", endDate: today.description, endTime: "23:00")
            let onShift = Self.service(app, companion, .coach)
            for _ in 0..<2 {
                _ = try await onShift.log(
                    first.id!, category: "meeting_attended", severity: "", note: "Noon meeting at St. Mark's",
                    clientKey: "shift-entry-0001")
            }
            #expect(try await ShiftLogRecord.query(on: app.db).count() == 1)
            await #expect(throws: ServiceError.self) {
                _ = try await onShift.log(
                    first.id!, category: "incident", severity: "", note: "x", clientKey: "shift-entry-0002")
            }
            await #expect(throws: ServiceError.self) {
                _ = try await planner.log(
                    first.id!, category: "mood", severity: "", note: "x", clientKey: "shift-entry-0003")
            }
            await #expect(throws: ServiceError.self) { _ = try await onShift.handOver(first.id!, note: " ") }
            _ = try await onShift.handOver(first.id!, note: "Calm day; call her sister at 6.")
            await #expect(throws: ServiceError.self) {
                _ = try await onShift.log(
                    first.id!, category: "mood", severity: "", note: "late", clientKey: "shift-entry-0004")
            }
            let previous = try await Self.service(app, next, .coach).previousHandOver(second)
            #expect(previous?.handoverNote == "Calm day; call her sister at 6.")
            let stranger = try await app.addMember(.coach, to: admin.organization, email: "stranger@example.org")
            await #expect(throws: ServiceError.self) {
                _ = try await Self.service(app, stranger, .coach).shift(first.id!)
            }
        }
    }
}
