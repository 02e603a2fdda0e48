/// The billing export: one CSV row per participant, service day, code, modifiers and payer,
/// with the units of the organization's rule and who delivered the service.
public enum BillingExport {
    public struct Person: Sendable {
        public let name: String
        public let dateOfBirth: String

        public init(name: String, dateOfBirth: String) {
            self.name = name
            self.dateOfBirth = dateOfBirth
        }
    }

    public struct Provider: Sendable {
        public let name: String
        public let credential: String

        public init(name: String, credential: String) {
            self.name = name
            self.credential = credential
        }
    }

    public static let header = [
        "participant_id", "participant_name", "date_of_birth", "service_date", "code", "modifiers", "units",
        "minutes", "sessions", "provider", "credential", "payer", "capped",
    ]

    /// The CSV text for `lines`; people and providers are looked up by the keys the lines carry.
    /// Several providers on one line are listed in the same order in both provider columns.
    public static func csv(_ lines: [BillingDay], people: [String: Person], providers: [String: Provider]) -> String {
        var writer = CSVWriter()
        writer.row(header)
        for line in lines {
            let person = people[line.participantID]
            let serving = line.providers.map { providers[$0] ?? Provider(name: $0, credential: "") }
            writer.row([
                line.participantID, person?.name ?? "", person?.dateOfBirth ?? "", line.day.description, line.code,
                line.modifiers.joined(separator: " "), String(line.units), String(line.minutes),
                String(line.sessions), serving.map(\.name).joined(separator: "; "),
                serving.map(\.credential).joined(separator: "; "), line.payer, line.capped ? "yes" : "no",
            ])
        }
        return writer.text
    }
}
