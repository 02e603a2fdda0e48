/// The pathways a person names for their own recovery. Several may apply; all are valid.
public enum RecoveryPathway: String, Codable, Sendable, CaseIterable {
    case twelveStep = "twelve_step", smart, faithBased = "faith_based", secular
    case medication, harmReduction = "harm_reduction", moderation, natural, other
}

/// How a person would like to be contacted.
public enum ContactMethod: String, Codable, Sendable, CaseIterable {
    case phone, text, email, inPerson = "in_person"
}

/// Reads a stored or submitted list of raw values, keeping known ones in their declared
/// order and dropping repeats; unknown values are returned separately so callers can refuse them.
public enum ValueList {
    public static func parse<Value: RawRepresentable & CaseIterable>(_ raw: [String], as type: Value.Type) -> (
        values: [Value], unknown: [String]
    ) where Value.RawValue == String, Value.AllCases: Collection {
        let wanted = Set(raw)
        let values = Value.allCases.filter { wanted.contains($0.rawValue) }
        let unknown = raw.filter { Value(rawValue: $0) == nil }
        return (Array(values), unknown)
    }

    public static func split(_ stored: String) -> [String] {
        stored.split(separator: ",").map(String.init)
    }
}
