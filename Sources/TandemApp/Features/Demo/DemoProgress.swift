import Fluent
import Foundation
import TandemKit

/// Check-ins, BARC-10s and recovery plans for the demo's first people, so every page has
/// something real to show. Deterministic: the same demo each run, dated back from today.
enum DemoProgress {
    struct Story {
        let person: Int
        /// Days of check-ins up to yesterday, and every how many days one is missed.
        let days: Int
        let gapEvery: Int
        let barcTotals: [[Int]]
        let recoveryStartDaysAgo: Int?
        let asksToBeCalled: Bool
        let plan: PlanDocument?
    }

    static let stories: [Story] = [
        Story(
            person: 0, days: 40, gapEvery: 9,
            barcTotals: [
                [4, 3, 3, 4, 3, 4, 3, 5, 4, 4], [5, 4, 4, 4, 4, 5, 4, 5, 4, 5], [5, 5, 4, 4, 5, 5, 5, 6, 5, 5],
            ],
            recoveryStartDaysAgo: 30, asksToBeCalled: true,
            plan: PlanDocument(
                values: "Being there for my kid. Staying healthy enough to run again.",
                domains: [
                    .init(
                        domain: "housing",
                        goals: [
                            .init(
                                id: "demo-goal-housing", text: "Move into my own place by spring",
                                why: "Somewhere calm to come home to", writtenBy: "participant",
                                writerName: "Jamie Okafor",
                                steps: [
                                    .init(
                                        id: "demo-step-1", what: "Apply for the housing voucher", who: "Jamie",
                                        status: .done),
                                    .init(
                                        id: "demo-step-2", what: "Visit two apartments", who: "Jamie and Rosa",
                                        status: .inProgress),
                                ])
                        ], strengths: "Saved a deposit", supports: "My sister; the tenants' union",
                        barriers: "Waiting lists"),
                    .init(
                        domain: "physical_health",
                        goals: [
                            .init(
                                id: "demo-goal-run", text: "Run a 5K with my running group", writtenBy: "participant",
                                writerName: "Jamie Okafor",
                                steps: [.init(id: "demo-step-3", what: "Run three mornings a week", who: "Jamie")])
                        ]),
                ],
                wellness: .init(
                    triggers: "Payday evenings alone", warningSigns: "Skipping meals, not answering texts",
                    copingStrategies: "Call someone before deciding anything; go for a run",
                    peopleToCall: "Rosa (coach), my sister Ana", safePlaces: "The running club, the library"))),
        Story(
            person: 1, days: 20, gapEvery: 5, barcTotals: [[3, 3, 4, 3, 2, 3, 3, 4, 3, 3]], recoveryStartDaysAgo: 200,
            asksToBeCalled: false,
            plan: PlanDocument(
                values: "Mi familia y mi trabajo.",
                domains: [
                    .init(
                        domain: "employment_education",
                        goals: [
                            .init(
                                id: "demo-goal-work", text: "Volver a trabajar en carpintería",
                                writtenBy: "participant",
                                writerName: "Tomás Herrera",
                                steps: [.init(id: "demo-step-4", what: "Llamar al taller de mi primo", who: "Tomás")])
                        ])
                ])),
        Story(
            person: 2, days: 10, gapEvery: 100, barcTotals: [], recoveryStartDaysAgo: nil, asksToBeCalled: false,
            plan: nil),
    ]

    static func populate(
        organization: Organization, records: [Participant], coach: (Int) -> User?, on db: any Database
    ) async throws {
        let today = ParticipantService.today(in: organization)
        for story in stories where records.indices.contains(story.person) {
            let participant = records[story.person]
            if let days = story.recoveryStartDaysAgo, let start = today.adding(days: -days) {
                participant.recoveryStartDate = start.description
                try await participant.save(on: db)
            }
            for offset in stride(from: story.days, through: 1, by: -1) where offset % story.gapEvery != 0 {
                guard let day = today.adding(days: -offset) else { continue }
                let checkIn = CheckIn(organizationID: organization.id!, participantID: participant.id!, day: day)
                let wave = (offset * 7) % 5
                checkIn.apply(
                    CheckInAnswers(
                        mood: 2 + wave % 4, craving: max(0, 7 - offset / 6 - wave), use: offset == 23 ? "yes" : "no",
                        supports: offset % 3 == 0 ? ["mutual_help_meeting"] : ["coach"],
                        wentWell: offset % 4 == 0 ? "Made it to my meeting" : "",
                        wantsReachOut: story.asksToBeCalled && offset == 1))
                try await checkIn.create(on: db)
            }
            for (index, answers) in story.barcTotals.enumerated() {
                let assessment = RecoveryCapitalAssessment(
                    organizationID: organization.id!, participantID: participant.id!)
                assessment.answers = BARC10.encode(answers)
                assessment.status = .completed
                assessment.total = answers.reduce(0, +)
                assessment.completedOn =
                    today.adding(days: -(story.barcTotals.count - index) * 45)?.description ?? today.description
                assessment.withCoach = index % 2 == 0
                assessment.recordedBy = coach(story.person)?.id
                try await assessment.create(on: db)
            }
            guard let plan = story.plan, let coach = coach(story.person) else { continue }
            let version = RecoveryPlanVersion(
                organizationID: organization.id!, participantID: participant.id!, number: 1, document: plan)
            version.editedBy = coach.id
            version.editorRole = "coach"
            version.editorName = coach.displayName
            try await version.create(on: db)
            for (signer, name, user) in [
                ("coach", coach.displayName, coach.id),
                ("participant", participant.preferredName, participant.$user.id),
            ] {
                let signature = RecoveryPlanSignature()
                signature.organizationID = organization.id!
                signature.$version.id = version.id!
                signature.signer = signer
                signature.typedName = name
                signature.userID = user
                signature.inPerson = user == nil
                signature.signedAt = Date()
                try await signature.create(on: db)
            }
        }
    }
}
