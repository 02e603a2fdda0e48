/// A deterministic stream of fictional people for load tests and benchmarks: the same seed
/// always gives the same names, services and statuses.
public struct SeedPlan: Sendable {
    /// SplitMix64: small, fast, and the same on every platform.
    public struct Generator: RandomNumberGenerator, Sendable {
        var state: UInt64

        public init(seed: UInt64) { state = seed }

        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    public struct Person: Sendable, Equatable {
        public let preferredName: String
        public let legalName: String
        public let language: String
        public let pathways: [RecoveryPathway]
        public let serviceType: ServiceType
        public let status: EngagementStatus
        public let referralSource: ReferralSource
        public let funding: Funding
        public let startDaysAgo: Int
        public let lastContactDaysAgo: Int?
    }

    static let givenNames = [
        "Ana", "Ángel", "Amara", "Ben", "Bianca", "Carlos", "Chloé", "Darnell", "Dolores", "Eli", "Emeka", "Fatima",
        "François", "Grace", "Hannah", "Héctor", "Ines", "Isaac", "Jamie", "José", "Keisha", "Kenji", "Lena", "Luis",
        "Maya", "Mei", "Nadia", "Noé", "Omar", "Pilar", "Priya", "Quinn", "Rafael", "Renée", "Rosa", "Sam", "Sofía",
        "Tariq", "Tomás", "Uma", "Víctor", "Wen", "Ximena", "Yusuf", "Zoë",
    ]
    static let familyNames = [
        "Álvarez", "Bell", "Brandt", "Carter", "Chen", "Delgado", "Dubois", "Fontaine", "García", "Haddad", "Hayes",
        "Herrera", "Ibáñez", "Jensen", "Kowalski", "Lafleur", "Lee", "Martín", "Monroe", "Müller", "Nair", "Nguyễn",
        "Núñez", "O'Neill", "Okafor", "Peña", "Quintero", "Raman", "Ruiz", "Schultz", "Smith-Jones", "Sørensen",
        "Tanaka", "Underwood", "Vásquez", "Whitfield", "Xu", "Yilmaz", "Zelený",
    ]

    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// The people, in order; person `n` is the same whatever `count` is.
    public func people(_ range: Range<Int>) -> [Person] {
        range.map { person($0) }
    }

    public func person(_ index: Int) -> Person {
        var random = Generator(seed: seed &+ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let given = pick(Self.givenNames)
        let family = pick(Self.familyNames)
        let statuses: [EngagementStatus] = [
            .active, .active, .active, .active, .active, .paused, .referred, .completed,
        ]
        let status = pick(statuses)
        return Person(
            preferredName: "\(given) \(family)",
            legalName: random.next() % 5 == 0 ? "\(pick(Self.givenNames)) \(given) \(family)" : "",
            language: random.next() % 4 == 0 ? "es" : "en",
            pathways: [pick(RecoveryPathway.allCases)],
            serviceType: pick(ServiceType.allCases), status: status, referralSource: pick(ReferralSource.allCases),
            funding: pick(Funding.allCases), startDaysAgo: Int(random.next() % 720),
            lastContactDaysAgo: status == .referred ? nil : Int(random.next() % 30))
    }
}
