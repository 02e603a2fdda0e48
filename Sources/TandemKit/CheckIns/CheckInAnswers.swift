import Foundation

/// "Any use since your last check-in?" Asked in a harm-reduction spirit: every answer is
/// welcome, and none resets or scolds anything.
public enum SubstanceUseAnswer: String, Sendable, CaseIterable, Codable {
    case no, yes
    case preferNotToSay = "prefer_not_to_say"
}

/// Meetings and supports a person may have been to or used since their last check-in.
public enum CheckInSupport: String, Sendable, CaseIterable, Codable {
    case mutualHelpMeeting = "mutual_help_meeting"
    case onlineMeeting = "online_meeting"
    case coach
    case peerOrMentor = "peer_or_mentor"
    case familyOrFriends = "family_or_friends"
    case faithOrCommunity = "faith_or_community"
    case other
}

/// What a participant answers in a daily check-in, with the rules for a valid one. Mood and
/// craving are the two questions every check-in answers; the rest may be left out.
public struct CheckInAnswers: Equatable, Sendable {
    /// 1 (very low) to 5 (very good).
    public var mood: Int?
    /// 0 (none) to 10 (strongest).
    public var craving: Int?
    /// A `SubstanceUseAnswer` raw value, or empty when not answered.
    public var use: String
    public var supports: [String]
    public var wentWell: String
    public var wantsReachOut: Bool

    public static let moodRange = 1...5
    public static let cravingRange = 0...10
    public static let wentWellLimit = 500

    public init(
        mood: Int? = nil, craving: Int? = nil, use: String = "", supports: [String] = [],
        wentWell: String = "", wantsReachOut: Bool = false
    ) {
        self.mood = mood
        self.craving = craving
        self.use = use
        self.supports = supports
        self.wentWell = wentWell
        self.wantsReachOut = wantsReachOut
    }

    /// Trimmed text and supports in their usual order, each once.
    public func normalized() -> CheckInAnswers {
        var copy = self
        copy.wentWell = wentWell.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = ValueList.parse(supports, as: CheckInSupport.self)
        copy.supports = parsed.values.map(\.rawValue) + parsed.unknown
        return copy
    }

    /// Each field at fault with the message key saying why; empty when the check-in may be
    /// kept. Lengths are checked as sent, the rest on the normalized answers.
    public func problems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if let mood {
            if !Self.moodRange.contains(mood) { found.append(("mood", "error_value_invalid")) }
        } else {
            found.append(("mood", "error_checkin_mood_required"))
        }
        if let craving {
            if !Self.cravingRange.contains(craving) { found.append(("craving", "error_value_invalid")) }
        } else {
            found.append(("craving", "error_checkin_craving_required"))
        }
        if !use.isEmpty && SubstanceUseAnswer(rawValue: use) == nil { found.append(("use", "error_value_invalid")) }
        if supports.count > 20 || !ValueList.parse(supports, as: CheckInSupport.self).unknown.isEmpty {
            found.append(("supports", "error_value_invalid"))
        }
        // In Unicode scalars, as the API's published schema (JSON Schema) counts them.
        if wentWell.unicodeScalars.count > Self.wentWellLimit {
            found.append(("went_well", "error_text_too_long"))
        } else if wentWell.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            found.append(("went_well", "error_text_invalid"))
        }
        return found
    }
}
