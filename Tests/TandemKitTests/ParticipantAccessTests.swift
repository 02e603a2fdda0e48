import Foundation
import Testing

@testable import TandemKit

@Suite("Participant access policy")
struct ParticipantAccessTests {
    typealias Case = (role: Role, relation: ParticipantRelation, allowed: Set<ParticipantAction>)

    static let everything = Set(ParticipantAction.allCases)
    static let staffWide: Set<ParticipantAction> = [
        .view, .create, .update, .manageEngagements, .reassign, .inviteToSignIn, .followUp, .export, .viewNotes,
        .viewAppointments, .viewReferrals, .savePlace, .viewDisclosures, .answerCorrections,
    ]
    static let coachOwn: Set<ParticipantAction> = [
        .view, .create, .update, .manageEngagements, .signAsCoach, .recordInPersonSignature, .inviteToSignIn,
        .followUp, .viewRecoveryDate, .export, .assessRecoveryCapital, .editPlan, .writeNotes, .viewNotes,
        .schedule, .viewAppointments, .refer, .viewReferrals, .savePlace, .manageConsents, .viewDisclosures,
        .answerCorrections, .message,
    ]
    static let ownRecord: Set<ParticipantAction> = [
        .view, .update, .signAsParticipant, .viewAccessHistory, .checkIn, .viewRecoveryDate, .export,
        .assessRecoveryCapital,
        .editPlan, .viewNotes, .viewAppointments, .refer, .viewReferrals, .savePlace, .manageConsents,
        .viewDisclosures, .downloadData, .requestCorrection, .message,
    ]

    /// The whole table: each role in each relation, and exactly what it allows.
    static let table: [Case] = [
        (.admin, .none, staffWide.union([.delete, .viewAccessHistory, .downloadData, .anonymize])),
        (
            .admin, .coach,
            everything.subtracting([.signAsParticipant, .checkIn, .requestCorrection, .wellbeingCheckIn])
        ),
        (.supervisor, .none, staffWide),
        (
            .supervisor, .coach,
            staffWide.union([
                .signAsCoach, .recordInPersonSignature, .viewRecoveryDate, .assessRecoveryCapital, .editPlan,
                .writeNotes, .schedule, .refer, .manageConsents, .message,
            ])
        ),
        (.coach, .none, [.create]),
        (.coach, .coach, coachOwn),
        (.coach, .own, [.create]),
        (.participant, .none, []),
        (.participant, .coach, []),
        (.participant, .own, ownRecord),
        // A family member's own family-coaching record; a loved one's opens only by consent.
        (.family, .none, []),
        (.family, .own, ownRecord.subtracting([.checkIn, .assessRecoveryCapital]).union([.wellbeingCheckIn])),
        (.family, .coach, []),
        (.partner, .none, []),
        (.partner, .own, []),
        (.partner, .coach, []),
    ]

    @Test("matches the table for every role, relation and action", arguments: 0..<table.count)
    func row(index: Int) {
        let row = Self.table[index]
        for action in ParticipantAction.allCases {
            #expect(
                ParticipantAccess.can(row.role, action, row.relation) == row.allowed.contains(action),
                "\(row.role) \(row.relation) \(action)")
        }
    }

    @Test("lists reach the organization, a coach's own engagements, one's own record, or nothing")
    func reach() {
        #expect(ParticipantAccess.reach(of: .admin) == .organization)
        #expect(ParticipantAccess.reach(of: .supervisor) == .organization)
        #expect(ParticipantAccess.reach(of: .coach) == .ownEngagements)
        #expect(ParticipantAccess.reach(of: .participant) == .ownRecord)
        #expect(ParticipantAccess.reach(of: .family) == .ownRecord)
        #expect(ParticipantAccess.reach(of: .partner) == .nothing)
    }
}

@Suite("Engagement status")
struct EngagementStatusTests {
    @Test("moves only along the allowed paths")
    func moves() {
        let allowed: Set<String> = [
            "referred>active", "referred>closed", "active>paused", "active>completed", "active>closed",
            "paused>active", "paused>completed", "paused>closed",
        ]
        for from in EngagementStatus.allCases {
            for to in EngagementStatus.allCases {
                #expect(from.canMove(to: to) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from)>\(to)")
            }
        }
        #expect(!EngagementStatus.completed.isOpen && !EngagementStatus.closed.isOpen)
    }

    @Test("closing needs a reason; other moves do not")
    func closing() {
        #expect(StatusChange.problem(from: .active, to: .closed, reason: nil) == "error_close_reason_missing")
        #expect(StatusChange.problem(from: .active, to: .closed, reason: .moved) == nil)
        #expect(StatusChange.problem(from: .paused, to: .active, reason: nil) == nil)
        #expect(StatusChange.problem(from: .completed, to: .active, reason: nil) == "error_status_move")
    }
}

@Suite("Name search")
struct NameSearchTests {
    @Test(
        "folds case, accents and punctuation",
        arguments: [
            ("José", "jose"), ("ÁLVAREZ", "alvarez"), ("Müller", "muller"), ("Straße", "strasse"),
            ("Ørsted", "orsted"), ("Łukasz", "lukasz"), ("O'Brien", "obrien"), ("Nguyễn", "nguyen"), ("李", "李"),
            ("Mary-Kate 2nd", "marykate2nd"), ("Ǿse", "øse"), ("  ZOË  ", "zoe"), ("Ñandú", "nandu"), ("Ａｎａ", "ａｎａ"),
            ("\u{0041}\u{030A}sa", "asa"), ("Þóra ÆSA", "thoraaesa"), ("", ""), ("!?@[`{~", ""),
        ])
    func fold(input: String, expected: String) {
        #expect(NameSearch.fold(input) == expected)
    }

    @Test(
        "people are listed by their folded words",
        arguments: [
            ("Ana Lee", "ana lee"), ("  Ana\tLEE \n", "ana lee"), ("Ana - Lee", "ana  lee"),
            ("O'Brien, Pat", "obrien pat"),
            ("José  Álvarez", "jose alvarez"), ("Zoë\u{00A0}Ng", "zoe ng"), ("", ""),
            (String(repeating: "a", count: 130), String(repeating: "a", count: 120)),
        ])
    func sortKey(name: String, expected: String) {
        #expect(NameSearch.sortKey(name) == expected)
    }

    @Test("names give a term per word, and parts of joined words")
    func terms() {
        #expect(
            NameSearch.terms(of: ["Jamie  Okafor", "Jamie Okafor-Smith"]) == [
                "jamie", "okafor", "okaforsmith", "smith",
            ])
        #expect(NameSearch.terms(of: ["", "  "]).isEmpty)
    }

    @Test("query words are folded and bounded")
    func query() {
        #expect(NameSearch.queryWords("  JOSÉ  ál ") == ["jose", "al"])
        #expect(NameSearch.queryWords("a b c d e") == ["a", "b", "c", "d"])
        #expect(NameSearch.queryWords("%_'") == [])
        // Punctuation parts words, so each part must begin a term of the name.
        #expect(NameSearch.queryWords("Jose-Alvarez") == ["jose", "alvarez"])
        #expect(NameSearch.queryWords("O'Bri") == ["o", "bri"])
        let joined = NameSearch.terms(of: ["José-Álvarez"])
        let spaced = NameSearch.terms(of: ["José Álvarez"])
        for terms in [joined, spaced] {
            #expect(NameSearch.queryWords("jose-alv").allSatisfy { word in terms.contains { $0.hasPrefix(word) } })
        }
    }

    @Test("the upper bound follows every string with the prefix")
    func upperBound() {
        #expect(NameSearch.upperBound(of: "oka") == "okb")
        for term in ["oka", "okafor", "okaz", "oka\u{10FFFF}"] {
            #expect(
                term >= "oka"
                    && term.unicodeScalars.lexicographicallyPrecedes(NameSearch.upperBound(of: "oka").unicodeScalars))
        }
        #expect(!("okb" < NameSearch.upperBound(of: "oka")))
    }
}

@Suite("Participant profile")
struct ParticipantProfileTests {
    static let today = CalendarDate("2026-06-15")!

    @Test("a plain profile is fine")
    func valid() {
        let profile = ParticipantProfile(
            preferredName: " Jamie ", dateOfBirth: "1990-02-28", phone: "555-0100", email: " Jamie@Example.org ",
            contactMethods: ["text", "phone"], pathways: ["smart", "twelve_step"], recoveryStartDate: "2026-06-15"
        ).normalized()
        #expect(profile.problems(today: Self.today).isEmpty)
        #expect(ParticipantProfile(preferredName: "A", dateOfBirth: "1906-12-31").problems(today: Self.today).isEmpty)
        #expect(profile.preferredName == "Jamie" && profile.email == "jamie@example.org")
        #expect(profile.contactMethods == ["phone", "text"])
        #expect(profile.pathways == ["twelve_step", "smart"])
    }

    @Test(
        "bad values name their field",
        arguments: [
            (ParticipantProfile(preferredName: ""), "preferred_name"),
            (ParticipantProfile(preferredName: "A", dateOfBirth: "1990-02-30"), "date_of_birth"),
            (ParticipantProfile(preferredName: "A", dateOfBirth: "19900101"), "date_of_birth"),
            (ParticipantProfile(preferredName: "A", recoveryStartDate: "2026-06-16"), "recovery_start_date"),
            (ParticipantProfile(preferredName: "A", dateOfBirth: "1900-01-01"), "date_of_birth"),
            (ParticipantProfile(preferredName: "A", phone: "call me"), "phone"),
            (ParticipantProfile(preferredName: "A", email: "nope"), "email"),
            (ParticipantProfile(preferredName: "A", language: "fr"), "language"),
            (ParticipantProfile(preferredName: "A", contactMethods: ["fax"]), "contact_methods"),
            (ParticipantProfile(preferredName: "A", pathways: ["diagnosis"]), "pathways"),
            (ParticipantProfile(preferredName: "A", strengths: String(repeating: "x", count: 2001)), "strengths"),
            (ParticipantProfile(preferredName: "A", pronouns: "she\u{0}her"), "pronouns"),
        ])
    func invalid(profile: ParticipantProfile, field: String) {
        let problems = profile.normalized().problems(today: Self.today)
        #expect(problems.map(\.field) == [field])
    }

    @Test("the other pathway's words are kept only with the other pathway")
    func pathwayOther() {
        #expect(
            ParticipantProfile(preferredName: "A", pathways: ["smart"], pathwayOther: "x").effectivePathwayOther
                == "")
        #expect(
            ParticipantProfile(preferredName: "A", pathways: ["other"], pathwayOther: "x").effectivePathwayOther
                == "x")
    }

    @Test("calendar dates parse strictly")
    func dates() {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2031-01-05")?.description == "2031-01-05")
        #expect(CalendarDate("2031-12-31")?.description == "2031-12-31")
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("1899-12-31") == nil)
        #expect(CalendarDate("2024-1-01") == nil)
        #expect(CalendarDate("２０２４-01-01") == nil)
        for text in [
            "", "2024-01-0", "2024-01-011", "2024/01/01", "2024-01-1a", "+024-01-01", "2024--01-01", " 2024-01-1",
            "2024-00-10", "2024-13-01", "2024-04-31", "2024-01-00", "2024-01-01\n", "2024-0１-01",
        ] {
            #expect(CalendarDate(text) == nil, "\(text) parsed")
        }
        #expect(CalendarDate("9999-12-31")?.description == "9999-12-31")
        #expect(CalendarDate(Substring("x2000-02-29").dropFirst().description)?.description == "2000-02-29")
    }
}

@Suite("Attention signals")
struct AttentionSignalTests {
    @Test("urgency: an open alert, then a request, a missed appointment, aftercare, no contact, a check-up, nothing")
    func urgency() {
        let rank = CaseloadUrgency.rank
        let ladder = [
            rank(true, []), rank(false, [.checkUpDue, .reachOutRequested]), rank(false, [.missedAppointment]),
            rank(false, [.aftercareOverdue, .noRecentContact]), rank(false, [.noRecentContact]),
            rank(false, [.checkUpDue]), rank(false, []),
        ]
        #expect(ladder == ladder.sorted() && Set(ladder).count == ladder.count)
        #expect(
            CaseloadUrgency.sorted([.checkUpDue, .noRecentContact, .reachOutRequested])
                == [.reachOutRequested, .noRecentContact, .checkUpDue])
        // Equally urgent lines keep their order (by name).
        let lines: [(String, Int)] = [("Ana", 6), ("Bo", 1), ("Cy", 6), ("Dee", 1), ("Eve", 0)]
        #expect(CaseloadUrgency.ordered(lines) { $0.1 }.map(\.0) == ["Eve", "Bo", "Dee", "Ana", "Cy"])
    }

    @Test("an active engagement without contact for more than 14 days is flagged")
    func noRecentContact() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day = 86_400.0
        #expect(AttentionSignal.signals(status: .active, lastContact: now - 15 * day, now: now) == [.noRecentContact])
        #expect(AttentionSignal.signals(status: .active, lastContact: now - 13 * day, now: now).isEmpty)
        #expect(AttentionSignal.signals(status: .paused, lastContact: now - 30 * day, now: now).isEmpty)
        #expect(AttentionSignal.signals(status: .active, lastContact: nil, now: now).isEmpty)
        #expect(
            AttentionSignal.signals(status: .active, lastContact: now - 15 * day, reachOutRequested: true, now: now)
                == [.reachOutRequested, .noRecentContact])
        #expect(
            AttentionSignal.signals(status: .paused, lastContact: nil, reachOutRequested: true, now: now)
                == [.reachOutRequested])
        #expect(
            AttentionSignal.signals(status: .completed, lastContact: nil, reachOutRequested: true, now: now).isEmpty)
    }
}

@Suite("Access history wording")
struct AccessHistoryTests {
    @Test(
        "actions read as plain verbs",
        arguments: [
            ("participant.view", "success", "history_viewed"), ("agreement.view", "success", "history_viewed"),
            ("participant.create", "success", "history_added"),
            ("engagement.create", "success", "history_engagement_opened"),
            ("engagement.reassign", "success", "history_changed"), ("agreement.sign", "success", "history_signed"),
            ("participant.view", "denied", "history_refused"), ("something.else", "success", "history_other"),
            ("checkin.create", "success", "history_checked_in"), ("checkin.list", "success", "history_viewed"),
            ("checkin.follow_up", "success", "history_followed_up"), ("plan.sign", "success", "history_signed_plan"),
            ("plan.history", "success", "history_viewed"), ("participant.export_fhir", "success", "history_exported"),
            ("participant.billing_export", "success", "history_billed"),
            ("appointment.reschedule", "success", "history_appointment"),
            ("appointment.ics", "success", "history_viewed"),
            ("calendar_feed.create", "success", "history_calendar_feed"),
            ("recovery_capital.complete", "success", "history_changed"),
            ("session_note.create", "success", "history_note_written"),
            ("session_note.sign", "success", "history_note_signed"),
            ("session_note.addendum", "success", "history_note_added_to"),
            ("session_note.return", "success", "history_note_reviewed"),
            ("session_note.list", "success", "history_viewed"), ("session_note.sign", "denied", "history_refused"),
            ("referral.create", "success", "history_referral"), ("referral.step", "success", "history_referral"),
            ("referral.list", "success", "history_viewed"), ("place.update", "success", "history_changed"),
        ])
    func wording(action: String, outcome: String, key: String) {
        #expect(AccessHistory.messageKey(action: action, outcome: outcome) == key)
    }
}

@Suite("Seed plan")
struct SeedPlanTests {
    @Test("the same seed gives the same people, whatever the range")
    func deterministic() {
        let plan = SeedPlan(seed: 42)
        #expect(plan.people(0..<50) == SeedPlan(seed: 42).people(0..<50))
        #expect(plan.people(10..<20) == Array(plan.people(0..<20)[10...]))
        #expect(plan.people(0..<50) != SeedPlan(seed: 43).people(0..<50))
        let services = Set(plan.people(0..<500).map(\.serviceType))
        #expect(services == Set(ServiceType.allCases))
    }
}

@Suite("Service types")
struct ServiceTypeTests {
    @Test(
        "a family member's record is one whose every engagement is family recovery coaching",
        arguments: [
            ([ServiceType.familyRecoveryCoaching], true), ([.familyRecoveryCoaching, .familyRecoveryCoaching], true),
            ([], false), ([.familyRecoveryCoaching, .recoveryCoaching], false), ([.soberEscort], false),
        ])
    func familyMemberRecord(services: [ServiceType], expected: Bool) {
        #expect(ServiceType.isFamilyMemberRecord(services) == expected)
    }
}

@Suite("Participant profile sizes")
struct ParticipantProfileSizeTests {
    @Test("sizes count what was sent, spaces included, and each field is named once")
    func sizes() {
        let padded = ParticipantProfile(preferredName: " " + String(repeating: "a", count: 120))
        #expect(padded.allProblems(today: CalendarDate("2026-01-01")!).map(\.field) == ["preferred_name"])
        let lists = ParticipantProfile(preferredName: "A", contactMethods: Array(repeating: "text", count: 11))
        #expect(lists.sizeProblems().map(\.field) == ["contact_methods"])
        #expect(
            ParticipantProfile(preferredName: "A", phone: "555-0100").allProblems(today: CalendarDate("2026-01-01")!)
                .isEmpty)
    }
}

@Suite("Written dates")
struct WrittenDateTests {
    @Test("a calendar date reads naturally in each language")
    func written() {
        let english = MessageTable(messages: ["date_long": "{month} {day}, {year}", "month_3": "March"])
        let spanish = MessageTable(messages: ["date_long": "{day} de {month} de {year}", "month_3": "marzo"])
        #expect(CalendarDate("2026-03-03")!.written(english) == "March 3, 2026")
        #expect(CalendarDate("2026-03-03")!.written(spanish) == "3 de marzo de 2026")
    }
}
