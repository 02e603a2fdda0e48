/// How an audit entry about a participant's record reads in their access history: a few
/// plain verbs rather than the trail's technical action names.
public enum AccessHistory {
    public static func messageKey(action: String, outcome: String) -> String {
        if outcome != "success" { return "history_refused" }
        let verb = action.split(separator: ".").last.map(String.init) ?? action
        switch verb {
        case "view", "search": return "history_viewed"
        case "create": return action.hasPrefix("engagement") ? "history_engagement_opened" : "history_added"
        case "update", "status", "reassign": return "history_changed"
        case "sign": return "history_signed"
        case "invite": return "history_invited"
        case "access_history": return "history_read_history"
        case "export": return "history_exported"
        default: return "history_other"
        }
    }
}
