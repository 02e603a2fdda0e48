/// How an audit entry about a participant's record reads in their access history: a few
/// plain verbs rather than the trail's technical action names.
public enum AccessHistory {
    public static func messageKey(action: String, outcome: String) -> String {
        if outcome != "success" { return "history_refused" }
        let verb = action.split(separator: ".").last.map(String.init) ?? action
        if action.hasPrefix("session_note.") {
            switch verb {
            case "create", "update": return "history_note_written"
            case "sign": return "history_note_signed"
            case "addendum": return "history_note_added_to"
            case "approve", "return": return "history_note_reviewed"
            default: return "history_viewed"
            }
        }
        if action.hasPrefix("appointment.") {
            return ["view", "list", "ics"].contains(verb) ? "history_viewed" : "history_appointment"
        }
        if action.hasPrefix("referral.") {
            return ["view", "list"].contains(verb) ? "history_viewed" : "history_referral"
        }
        if action.hasPrefix("consent.") {
            switch verb {
            case "create": return "history_consent_given"
            case "revoke": return "history_consent_revoked"
            default: return "history_viewed"
            }
        }
        if action == "disclosure.view" || action == "disclosure.export" { return "history_disclosed" }
        if action.hasPrefix("correction.") {
            return ["view", "list"].contains(verb) ? "history_viewed" : "history_correction"
        }
        if action.hasPrefix("wellbeing.") {
            return ["view", "list"].contains(verb) ? "history_viewed" : "history_checked_in"
        }
        if action == "safety_alert.raise" { return "history_alert_raised" }
        if action == "safety_alert.acknowledge" { return "history_alert_acknowledged" }
        if action.hasPrefix("calendar_feed.") { return "history_calendar_feed" }
        if action == "outreach.attempt" { return "history_outreach" }
        switch verb {
        case "view", "search", "list", "history": return "history_viewed"
        case "create":
            if action.hasPrefix("engagement") { return "history_engagement_opened" }
            return action.hasPrefix("checkin") ? "history_checked_in" : "history_added"
        case "update", "status", "reassign", "save_draft", "complete": return "history_changed"
        case "follow_up": return "history_followed_up"
        case "sign": return action.hasPrefix("plan") ? "history_signed_plan" : "history_signed"
        case "invite": return "history_invited"
        case "access_history": return "history_read_history"
        case "export", "export_fhir", "download": return "history_exported"
        case "anonymize": return "history_anonymized"
        case "billing_export": return "history_billed"
        default: return "history_other"
        }
    }
}
