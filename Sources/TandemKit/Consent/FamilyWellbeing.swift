import Foundation

/// A family member's short wellbeing check-in: how they are doing themselves, not how their
/// loved one is. Four questions from 1 to 5 and an optional note.
public struct FamilyWellbeing: Equatable, Sendable {
    /// 1 (very calm) to 5 (very stressed).
    public var stress: Int?
    /// 1 (very poor) to 5 (very good).
    public var sleep: Int?
    /// 1 (not at all) to 5 (a lot): time and care given to oneself.
    public var selfCare: Int?
    /// 1 (very little) to 5 (a lot).
    public var hope: Int?
    public var note: String

    public static let scale = 1...5
    public static let noteLimit = 500

    public init(stress: Int? = nil, sleep: Int? = nil, selfCare: Int? = nil, hope: Int? = nil, note: String = "") {
        self.stress = stress
        self.sleep = sleep
        self.selfCare = selfCare
        self.hope = hope
        self.note = note
    }

    /// The questions in the order they are asked, by field name.
    public static let fields = ["stress", "sleep", "self_care", "hope"]

    public var values: [Int?] { [stress, sleep, selfCare, hope] }

    /// Each field at fault with the message key saying why; empty when it may be kept.
    public func problems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        for (field, value) in zip(Self.fields, values) {
            guard let value else {
                found.append((field, "error_choose_one"))
                continue
            }
            if !Self.scale.contains(value) { found.append((field, "error_value_invalid")) }
        }
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.unicodeScalars.count > Self.noteLimit {
            found.append(("note", "error_text_too_long"))
        } else if trimmed.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            found.append(("note", "error_text_invalid"))
        }
        return found
    }
}
