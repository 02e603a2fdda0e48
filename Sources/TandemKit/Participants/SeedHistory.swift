import Foundation

/// The history `tandem seed` gives each fictional person beyond their caseload row: session
/// notes, messages, a recovery plan, BARC-10 answers and a Meeting Guide feed for each
/// organization. Every value follows from the seed and the person's number, so two runs with
/// the same seed write the same words and dates (only the row ids are new).
extension SeedPlan {
    public struct Note: Sendable, Equatable {
        public let daysAgo: Int
        public let startMinute: Int
        public let minutes: Int
        public let mode: ContactMode
        public let goals: String
        public let done: String
        public let response: String
        public let nextSteps: String
    }

    public struct Message: Sendable, Equatable {
        /// Minutes before now.
        public let minutesAgo: Int
        /// True when the person wrote it, false when their coach did.
        public let fromPerson: Bool
        public let body: String
    }

    static let noteGoals = [
        "Review the week and the plan's housing goal.", "Prepare for the court date on Thursday.",
        "Talk through the job application.", "Plan the first week after discharge.",
        "Check in after a hard weekend.", "Find a meeting closer to home.",
    ]
    static let noteDone = [
        "Went through the plan together and updated two steps.", "Practised what to say to the landlord.",
        "Drove to the recovery community center and met the staff.", "Called the clinic together to book an intake.",
        "Walked and talked; looked at what helped last time.", "Filled in the BARC-10 together.",
    ]
    static let noteResponses = [
        "Engaged and hopeful; named two supports.", "Tired but kept every appointment this week.",
        "Proud of a month of meetings.", "Worried about money; made a plan for the bill.",
    ]
    static let noteNextSteps = [
        "Meet again next week.", "Text on Friday to see how the interview went.",
        "Go to the Tuesday meeting together.", "Call the housing office by Monday.",
    ]
    static let coachMessages = [
        "How did the meeting go last night?", "Thinking of you today. Want to talk this afternoon?",
        "Reminder: we meet Thursday at 3.", "Great news about the job interview!", "¿Cómo te fue esta semana?",
    ]
    static let personMessages = [
        "It went well, I spoke for the first time.", "Can we move Thursday to Friday?",
        "Rough day but I called my sponsor.", "Thanks for yesterday.", "Gracias, nos vemos el jueves.",
    ]

    private func random(_ person: Int, _ salt: UInt64) -> Generator {
        Generator(seed: seed &+ UInt64(person) &* 0x9E37_79B9 &+ salt &* 0x1000_0000_01B3)
    }

    /// `count` notes of the person's sessions, spread over the last two years, newest last.
    public func notes(person: Int, count: Int) -> [Note] {
        var random = random(person, 1)
        func pick(_ values: [String]) -> String { values[Int(random.next() % UInt64(values.count))] }
        return (0..<count).map { index in
            let modes = ContactMode.allCases
            return Note(
                daysAgo: 1 + (count - index) * 7 + Int(random.next() % 5),
                startMinute: 9 * 60 + Int(random.next() % 32) * 15,
                minutes: [30, 45, 60, 60, 90][Int(random.next() % 5)],
                mode: modes[Int(random.next() % UInt64(modes.count))],
                goals: pick(Self.noteGoals), done: pick(Self.noteDone), response: pick(Self.noteResponses),
                nextSteps: pick(Self.noteNextSteps))
        }
    }

    /// `count` messages in the person's conversation with their coach, oldest first; only a
    /// person who can sign in (`canWrite`) writes any of them.
    public func messages(person: Int, count: Int, canWrite: Bool) -> [Message] {
        var random = random(person, 2)
        var minutesAgo = count * 1_440 + Int(random.next() % 600)
        return (0..<count).map { _ in
            let fromPerson = canWrite && random.next() % 2 == 0
            let texts = fromPerson ? Self.personMessages : Self.coachMessages
            minutesAgo -= 60 + Int(random.next() % 1_380)
            return Message(
                minutesAgo: max(1, minutesAgo), fromPerson: fromPerson,
                body: texts[Int(random.next() % UInt64(texts.count))])
        }
    }

    /// A short plan in the person's words: values, two or three goals with steps, and a
    /// wellness section.
    public func plan(person: Int, name: String) -> PlanDocument {
        var random = random(person, 3)
        let goals: [(LifeDomain, String, String)] = [
            (.housing, "Move into my own place", "Somewhere calm to come home to"),
            (.employmentEducation, "Finish the forklift course", "Steady work and my own money"),
            (.physicalHealth, "Walk every morning", "Sleep better"),
            (.relationshipsFamily, "Have dinner with my kids every Sunday", "Being there for them"),
            (.recovery, "Go to three meetings a week", "People who get it"),
            (.finances, "Pay off the phone bill", "One less worry"),
        ]
        let first = Int(random.next() % UInt64(goals.count))
        let chosen = (0..<(2 + Int(random.next() % 2))).map { goals[(first + $0 * 2) % goals.count] }
        let domains = chosen.enumerated().map { index, goal in
            let statuses: [StepStatus] = [.done, .inProgress, .notStarted]
            return PlanDocument.DomainSection(
                domain: goal.0.rawValue,
                goals: [
                    .init(
                        id: "seed-\(person)-\(index)", text: goal.1, why: goal.2, writtenBy: "participant",
                        writerName: name,
                        steps: (0..<2).map {
                            .init(
                                id: "seed-\(person)-\(index)-\($0)", what: $0 == 0 ? "Find out what it takes" : "Do it",
                                who: name, status: statuses[Int(random.next() % 3)])
                        })
                ])
        }
        return PlanDocument(
            values: "Family, health, and being someone people can count on.", domains: domains,
            wellness: .init(
                triggers: "Payday evenings alone", warningSigns: "Not answering the phone",
                copingStrategies: "Call someone first; go for a walk", peopleToCall: "My coach, my sister",
                safePlaces: "The library, the recovery center"))
    }

    /// `count` complete BARC-10 answer sets (ten answers, 1 to 6), oldest first, drifting upwards.
    public func barc10(person: Int, count: Int) -> [[Int]] {
        var random = random(person, 4)
        let base = 2 + Int(random.next() % 3)
        return (0..<count).map { round in
            (0..<10).map { _ in min(6, max(1, base + round + Int(random.next() % 3) - 1)) }
        }
    }
}
