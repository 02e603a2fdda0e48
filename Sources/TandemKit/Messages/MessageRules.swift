import Foundation

/// What a secure message may be, and how long an organization may keep them.
public enum MessageRules {
    public static let bodyLimit = 4000

    /// Each problem with a message about to be sent, as (field, message key).
    public static func problems(body: String) -> [(field: String, key: String)] {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return [("body", "error_message_empty")] }
        if text.unicodeScalars.count > bodyLimit { return [("body", "error_text_too_long")] }
        if text.unicodeScalars.contains(where: ParticipantProfile.forbidden) { return [("body", "error_text_invalid")] }
        return []
    }

    /// Days an organization keeps messages: 0 keeps them as long as the record, otherwise
    /// from 30 days to 10 years.
    public static let retentionChoices = [0, 30, 90, 180, 365, 730, 1825, 3650]

    public static func isRetention(_ days: Int) -> Bool { retentionChoices.contains(days) }
}
