/// How the audit log names an action for people: `participant.view` reads "Participant record:
/// viewed" ("Expediente del participante: consulta"). The code stays beside it, exact for
/// filtering and for `tandem audit verify`; a code without names here is shown as it is.
public enum AuditActionName {
    /// The message keys of the thing acted on and of the act (empty for a code of one word,
    /// such as `signin`), or nil when the code is not named here.
    public static func keys(_ action: String) -> (subject: String, verb: String)? {
        let parts = action.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let subject = String(parts[0])
        let verb = parts.count == 2 ? String(parts[1]) : ""
        guard subjects.contains(subject), verb.isEmpty || verbs.contains(verb), parts.count == 1 || !verb.isEmpty
        else { return nil }
        return ("audit_subject_" + subject, verb.isEmpty ? "" : "audit_verb_" + verb)
    }

    /// What an action is done to, the part of the code before the dot.
    public static let subjects: Set<String> = [
        "access", "agreement", "api_token", "appointment", "article", "audit_log", "billing", "calendar_feed",
        "checkin", "comment", "companion", "consent", "correction", "coverage", "disclosure", "engagement",
        "family_article", "handoff", "invitation", "meeting", "meetings", "membership", "message",
        "message_settings", "message_thread", "organization", "outreach", "participant", "password",
        "password_reset", "place", "plan", "program", "recovery_capital", "referral", "resource", "safety_alert",
        "session_note", "shift", "signin", "signout", "timesheet", "trip", "two_factor", "wellbeing",
    ]

    /// What was done, the part after the dot.
    public static let verbs: Set<String> = [
        "accept", "access_history", "acknowledge", "addendum", "anonymize", "answer", "approve", "assign", "attempt",
        "attended", "billing_export", "cancel", "change", "check", "choose", "coach_request", "complete", "create",
        "csv", "decline", "delete", "denied", "disable", "download", "enable", "enroll", "enrollments", "export",
        "export_fhir", "follow_up", "follow_ups", "hand_over", "history", "ics", "import", "invite", "issue", "list",
        "log", "missed", "password", "payment", "plan", "public_finder", "publish", "raise", "reassign", "remove",
        "remove_source", "reschedule", "reset", "return", "review", "revoke", "role", "save_draft", "schedule",
        "search", "second_factor", "send", "settings", "sign", "status", "step", "timesheet", "timesheet_export",
        "upcoming", "update", "view", "week", "withdraw",
    ]
}
