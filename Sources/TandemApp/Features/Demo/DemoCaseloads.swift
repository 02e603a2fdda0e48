import Fluent
import Foundation
import TandemKit

/// The demo's caseloads: fictional people supported by several coaches across all six
/// service types, in every status, some agreements signed. Names and details are invented.
enum DemoCaseloads {
    struct Person {
        let name: String
        let pronouns: String
        let language: String
        let pathways: [RecoveryPathway]
        let strengths: String
        /// The sign-in e-mail of a demo account this record belongs to, if any.
        let account: String?
    }

    struct Support {
        let person: Int
        let coach: String
        let service: ServiceType
        let status: EngagementStatus
        let referral: ReferralSource
        let funding: Funding
        let daysAgo: Int
        let signed: Bool
        let lastContactDaysAgo: Int?
    }

    static let people: [Person] = [
        Person(
            name: "Jamie Okafor", pronouns: "they/them", language: "en", pathways: [.smart, .medication],
            strengths: "Cooking, running, patient with others", account: "participant@demo.tandem.test"),
        Person(
            name: "Tomás Herrera", pronouns: "él", language: "es", pathways: [.twelveStep],
            strengths: "Carpintería, su familia", account: "tomas@demo.tandem.test"),
        Person(
            name: "Keisha Monroe", pronouns: "she/her", language: "en", pathways: [.faithBased, .twelveStep],
            strengths: "Choir, mentoring teens", account: "keisha@demo.tandem.test"),
        Person(
            name: "Eli Brandt", pronouns: "he/him", language: "en", pathways: [.harmReduction],
            strengths: "Drawing, fixing bikes", account: "eli@demo.tandem.test"),
        Person(
            name: "Mei Chen", pronouns: "she/her", language: "en", pathways: [.secular, .moderation],
            strengths: "Gardening, accounting", account: "mei@demo.tandem.test"),
        Person(
            name: "Linda Okafor", pronouns: "she/her", language: "en", pathways: [.other],
            strengths: "Organizing, her book club", account: "family@demo.tandem.test"),
        Person(
            name: "Ángela Ruiz", pronouns: "ella", language: "es", pathways: [.medication, .twelveStep],
            strengths: "Cocina, sus hijos", account: nil),
        Person(
            name: "Marcus O'Neill", pronouns: "he/him", language: "en", pathways: [.natural],
            strengths: "Fishing, woodworking", account: nil),
        Person(
            name: "Dolores Núñez", pronouns: "ella", language: "es", pathways: [.faithBased],
            strengths: "Costura, voluntariado", account: nil),
        Person(
            name: "Sam Whitfield", pronouns: "they/them", language: "en", pathways: [.harmReduction, .smart],
            strengths: "Music production", account: nil),
        Person(
            name: "Priya Nair", pronouns: "she/her", language: "en", pathways: [.secular],
            strengths: "Yoga, languages", account: nil),
        Person(
            name: "Darnell Hayes", pronouns: "he/him", language: "en", pathways: [.twelveStep, .medication],
            strengths: "Basketball coaching", account: nil),
        Person(
            name: "Renée Lafleur", pronouns: "she/her", language: "en", pathways: [.moderation],
            strengths: "Photography", account: nil),
        Person(
            name: "Joaquín Peña", pronouns: "él", language: "es", pathways: [.twelveStep],
            strengths: "Mecánica, fútbol", account: nil),
        Person(
            name: "Hannah Schultz", pronouns: "she/her", language: "en", pathways: [.natural, .secular],
            strengths: "Hiking, baking", account: nil),
        Person(
            name: "Omar Haddad", pronouns: "he/him", language: "en", pathways: [.medication],
            strengths: "Chess, cooking for friends", account: nil),
        Person(
            name: "Beth Carter", pronouns: "she/her", language: "en", pathways: [.other],
            strengths: "Quilting, her grandchildren", account: nil),
        Person(
            name: "Victor Moreau", pronouns: "he/him", language: "en", pathways: [.harmReduction],
            strengths: "Guitar", account: nil),
    ]

    static let supports: [Support] = [
        Support(
            person: 0, coach: "coach@demo.tandem.test", service: .recoveryCoaching, status: .active,
            referral: .treatmentCenter, funding: .medicaidInsurance, daysAgo: 64, signed: true, lastContactDaysAgo: 3),
        Support(
            person: 1, coach: "coach@demo.tandem.test", service: .peerRecoverySupport, status: .active,
            referral: .self, funding: .grant, daysAgo: 120, signed: true, lastContactDaysAgo: 18),
        Support(
            person: 2, coach: "andre@demo.tandem.test", service: .virtualCoaching, status: .active,
            referral: .treatmentCenter, funding: .medicaidInsurance, daysAgo: 30, signed: false, lastContactDaysAgo: 2),
        Support(
            person: 3, coach: "andre@demo.tandem.test", service: .soberCompanion, status: .paused,
            referral: .family, funding: .privatePay, daysAgo: 90, signed: true, lastContactDaysAgo: 25),
        Support(
            person: 4, coach: "coach@demo.tandem.test", service: .recoveryCoaching, status: .referred,
            referral: .court, funding: .grant, daysAgo: 2, signed: false, lastContactDaysAgo: nil),
        Support(
            person: 5, coach: "grace@demo.tandem.test", service: .familyRecoveryCoaching, status: .active,
            referral: .self, funding: .privatePay, daysAgo: 45, signed: true, lastContactDaysAgo: 6),
        Support(
            person: 6, coach: "coach@demo.tandem.test", service: .peerRecoverySupport, status: .active,
            referral: .treatmentCenter, funding: .medicaidInsurance, daysAgo: 14, signed: true, lastContactDaysAgo: 1),
        Support(
            person: 7, coach: "sam@demo.tandem.test", service: .soberEscort, status: .completed,
            referral: .family, funding: .privatePay, daysAgo: 40, signed: true, lastContactDaysAgo: 39),
        Support(
            person: 7, coach: "andre@demo.tandem.test", service: .virtualCoaching, status: .active,
            referral: .treatmentCenter, funding: .privatePay, daysAgo: 38, signed: false, lastContactDaysAgo: 4),
        Support(
            person: 8, coach: "coach@demo.tandem.test", service: .recoveryCoaching, status: .closed,
            referral: .other, funding: .volunteer, daysAgo: 300, signed: true, lastContactDaysAgo: 200),
        Support(
            person: 9, coach: "sam@demo.tandem.test", service: .soberCompanion, status: .active,
            referral: .self, funding: .privatePay, daysAgo: 21, signed: true, lastContactDaysAgo: 0),
        Support(
            person: 10, coach: "grace@demo.tandem.test", service: .familyRecoveryCoaching, status: .referred,
            referral: .family, funding: .grant, daysAgo: 1, signed: false, lastContactDaysAgo: nil),
        Support(
            person: 11, coach: "andre@demo.tandem.test", service: .peerRecoverySupport, status: .active,
            referral: .court, funding: .grant, daysAgo: 75, signed: true, lastContactDaysAgo: 16),
        Support(
            person: 12, coach: "sam@demo.tandem.test", service: .soberEscort, status: .referred,
            referral: .treatmentCenter, funding: .privatePay, daysAgo: 3, signed: false, lastContactDaysAgo: nil),
        Support(
            person: 13, coach: "coach@demo.tandem.test", service: .virtualCoaching, status: .active,
            referral: .treatmentCenter, funding: .medicaidInsurance, daysAgo: 10, signed: true, lastContactDaysAgo: 5),
        Support(
            person: 14, coach: "grace@demo.tandem.test", service: .recoveryCoaching, status: .paused,
            referral: .self, funding: .volunteer, daysAgo: 150, signed: true, lastContactDaysAgo: 40),
        Support(
            person: 15, coach: "andre@demo.tandem.test", service: .recoveryCoaching, status: .active,
            referral: .other, funding: .grant, daysAgo: 55, signed: true, lastContactDaysAgo: 8),
        Support(
            person: 16, coach: "grace@demo.tandem.test", service: .familyRecoveryCoaching, status: .completed,
            referral: .family, funding: .volunteer, daysAgo: 200, signed: true, lastContactDaysAgo: 120),
        Support(
            person: 17, coach: "sam@demo.tandem.test", service: .soberCompanion, status: .active,
            referral: .treatmentCenter, funding: .privatePay, daysAgo: 12, signed: false, lastContactDaysAgo: 15),
    ]

    /// Adds the people, engagements and signatures; `users` maps demo e-mails to accounts.
    static func populate(organization: Organization, users: [String: User], on db: any Database) async throws {
        let now = Date()
        let agreement = AgreementVersion(
            organizationID: organization.id!, version: 1, text: AgreementDefaults.text,
            textEs: AgreementDefaults.textEs, createdBy: nil)
        try await agreement.create(on: db)
        var records: [Participant] = []
        for person in people {
            let profile = ParticipantProfile(
                preferredName: person.name, pronouns: person.pronouns,
                phone: "555-01\(String(format: "%02d", records.count))",
                language: person.language, contactMethods: ["text", "phone"], safeContactTimes: "Weekdays after 5 pm",
                pathways: person.pathways.map(\.rawValue),
                pathwayOther: person.pathways.contains(.other) ? "Al-Anon and a parents' group" : "",
                strengths: person.strengths)
            let participant = Participant(organizationID: organization.id!, profile: profile)
            participant.$user.id = person.account.flatMap { users[$0]?.id }
            try await participant.create(on: db)
            try await ParticipantService.index(participant, on: db)
            records.append(participant)
        }
        for support in supports {
            guard let coach = users[support.coach] else { continue }
            let participant = records[support.person]
            let started = now.addingTimeInterval(-Double(support.daysAgo) * 86_400)
            let engagement = try await EngagementService.insert(
                .init(
                    organizationID: organization.id!, serviceType: support.service, referralSource: support.referral,
                    funding: support.funding, startDate: ParticipantService.day(started, in: organization),
                    status: support.status, primaryCoachID: coach.id!),
                for: participant, on: db)
            if !support.status.isOpen {
                engagement.endDate =
                    ParticipantService.day(now.addingTimeInterval(-86_400), in: organization).description
                engagement.closeReason = support.status == .closed ? .moved : nil
            }
            engagement.lastContactAt = support.lastContactDaysAgo.map { now.addingTimeInterval(-Double($0) * 86_400) }
            try await engagement.save(on: db)
            guard support.signed else { continue }
            for (signer, user) in [("participant", nil), ("coach", coach)] as [(String, User?)] {
                let signature = AgreementSignature()
                signature.organizationID = organization.id!
                signature.$engagement.id = engagement.id!
                signature.$agreementVersion.id = agreement.id!
                signature.version = 1
                signature.signer = signer == "coach" ? .coach : .participant
                signature.signerKey = signer == "coach" ? "coach:\(coach.id!.uuidString)" : "participant"
                signature.$signerUser.id = user?.id ?? participant.$user.id
                signature.$recordedBy.id = user?.id ?? participant.$user.id ?? coach.id
                signature.typedName = signer == "coach" ? coach.displayName : participant.preferredName
                signature.signedAt = started.addingTimeInterval(3_600)
                try await signature.create(on: db)
            }
        }
        try await DemoProgress.populate(
            organization: organization, records: records,
            coach: { person in supports.first { $0.person == person }.flatMap { users[$0.coach] } }, on: db)
        try await shareWithFamily(organization: organization, records: records, users: users, now: now, on: db)
    }

    /// Jamie shares milestones and meeting attendance with Linda, their mother, until their
    /// coaching ends, so the family view has something to show.
    static func shareWithFamily(
        organization: Organization, records: [Participant], users: [String: User], now: Date, on db: any Database
    ) async throws {
        guard let jamie = records.first, let linda = users["family@demo.tandem.test"],
            let jamieUser = users["participant@demo.tandem.test"],
            let engagement = try await Engagement.query(on: db).filter(\.$participant.$id == jamie.id!).first()
        else { return }
        let consent = ConsentRecord()
        consent.organizationID = organization.id!
        consent.participantID = jamie.id!
        consent.recipientKind = .account
        consent.recipientUserID = linda.id
        consent.recipientName = linda.displayName
        consent.categoriesText = ",meeting_attendance,milestones,"
        consent.purpose = ConsentPurpose.familySupport.rawValue
        consent.purposeNote = ""
        consent.expiresOn = ""
        consent.engagementID = engagement.id
        consent.signedName = jamie.preferredName
        consent.signedAt = now.addingTimeInterval(-86_400 * 20)
        consent.enteredBy = jamieUser.id!
        consent.inPerson = false
        try await consent.create(on: db)
    }
}
