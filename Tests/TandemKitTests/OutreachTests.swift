import Foundation
import Testing

@testable import TandemKit

@Suite("Outreach rules")
struct OutreachRulesTests {
    static let zone = TimeZone(identifier: "UTC")!
    static let now = ISO8601DateFormatter().date(from: "2026-11-29T12:00:00Z")!
    static let today = CalendarDate("2026-11-29")!
    static let day: TimeInterval = 86_400

    static func reasons(_ facts: OutreachFacts, _ policy: OutreachPolicy = OutreachPolicy()) -> [OutreachReason] {
        OutreachRules.reasons(facts, policy: policy, now: now, today: today, timeZone: zone)
    }

    @Test("no contact: after the organization's days since the last contact, or since the start")
    func noContact() {
        #expect(Self.reasons(.init(status: .active, lastContact: Self.now - 15 * Self.day)) == [.noRecentContact])
        #expect(Self.reasons(.init(status: .active, lastContact: Self.now - 13 * Self.day)).isEmpty)
        #expect(Self.reasons(.init(status: .active, startDate: CalendarDate("2026-11-01"))) == [.noRecentContact])
        #expect(Self.reasons(.init(status: .active, startDate: CalendarDate("2026-11-20"))).isEmpty)
        #expect(Self.reasons(.init(status: .paused, lastContact: Self.now - 30 * Self.day)).isEmpty)
        #expect(
            Self.reasons(.init(status: .active, lastContact: Self.now - 15 * Self.day), .init(noContactDays: 0)).isEmpty
        )
        #expect(
            Self.reasons(.init(status: .active, lastContact: Self.now - 15 * Self.day), .init(noContactDays: 30))
                .isEmpty)
        // An attempt in the last three days keeps the person off the list while the coach waits.
        #expect(
            Self.reasons(
                .init(status: .active, lastContact: Self.now - 20 * Self.day, lastAttempt: Self.now - Self.day)
            )
            .isEmpty)
        #expect(
            Self.reasons(
                .init(status: .active, lastContact: Self.now - 20 * Self.day, lastAttempt: Self.now - 4 * Self.day))
                == [.noRecentContact])
    }

    @Test("a missed appointment and a request to reach out stay until an attempt after them")
    func missedAndRequested() {
        let missed = Self.now - 2 * Self.day
        #expect(Self.reasons(.init(status: .active, lastContact: Self.now, lastMissedAppointment: missed)) == [])
        #expect(
            Self.reasons(.init(status: .active, lastContact: missed - Self.day, lastMissedAppointment: missed))
                == [.missedAppointment])
        #expect(
            Self.reasons(
                .init(
                    status: .active, lastContact: missed - Self.day, lastMissedAppointment: missed,
                    lastAttempt: missed + 60)
            ).isEmpty)
        #expect(
            Self.reasons(.init(status: .paused, lastContact: Self.now, reachOutSince: Self.now - 3600))
                == [.reachOutRequested])
        // An unanswered attempt quiets an open request for three days; a newer request shows at once.
        let asked = Self.now - 5 * Self.day
        #expect(
            Self.reasons(
                .init(status: .active, lastContact: Self.now, reachOutSince: asked, lastAttempt: Self.now - Self.day)
            )
            .isEmpty)
        #expect(
            Self.reasons(.init(status: .active, lastContact: Self.now, reachOutSince: asked, lastAttempt: asked + 3600))
                == [.reachOutRequested])
        #expect(
            Self.reasons(
                .init(
                    status: .active, lastContact: Self.now, reachOutSince: Self.now - 3600,
                    lastAttempt: Self.now - Self.day))
                == [.reachOutRequested])
        #expect(
            Self.reasons(
                .init(status: .active, lastContact: Self.now, reachOutSince: Self.now - 3600),
                .init(reachOutRequests: false)
            )
            .isEmpty)
        #expect(
            Self.reasons(.init(status: .completed, lastMissedAppointment: missed, reachOutSince: Self.now - 3600))
                .isEmpty)
    }

    @Test("check-ups after completion: due on each chosen day until someone tries")
    func checkUps() {
        let completed = OutreachFacts(status: .completed, endDate: CalendarDate("2026-10-20"))
        #expect(Self.reasons(completed) == [.checkUpDue])
        #expect(OutreachRules.checkUpDue(completed, policy: .init(), today: Self.today)?.days == 30)
        var tried = completed
        tried.lastAttempt = ISO8601DateFormatter().date(from: "2026-11-19T10:00:00Z")
        #expect(Self.reasons(tried).isEmpty)
        let recent = OutreachFacts(status: .completed, endDate: CalendarDate("2026-11-10"))
        #expect(Self.reasons(recent).isEmpty)
        #expect(Self.reasons(completed, .init(checkUpDays: [])).isEmpty)
        #expect(OutreachPolicy.parseCheckUpDays("180, 30,90 30") == [30, 90, 180])
        #expect(OutreachPolicy.parseCheckUpDays("") == [])
        #expect(OutreachPolicy.parseCheckUpDays("30, soon") == nil)
        #expect(OutreachPolicy.parseCheckUpDays("0") == nil)
    }
}
