import Foundation

/// Sample bodies the authorization matrix sends to each unsafe participant route: valid
/// enough to reach the access check, so a refusal comes from the check itself.
extension ParticipantRouteMatrixTests {
    static let forms: [String: [(String, String)]] = [
        "POST /participants/:participantID": newParticipantForm("Changed").filter { !$0.0.hasPrefix("service") },
        "POST /participants/:participantID/delete": [("confirm", "yes")],
        "POST /participants/:participantID/invite": [("email", "new@example.org")],
        "POST /participants/:participantID/engagements": [
            ("service_type", "sober_escort"), ("referral_source", "court"), ("funding", "grant"),
        ],
        "POST /engagements/:engagementID/status": [("status", "paused")],
        "POST /engagements/:engagementID/coaches": [("primary_coach", "SELF")],
        "POST /engagements/:engagementID/signatures": [("signer", "coach"), ("typed_name", "X"), ("version", "1")],
        "POST /participants/:participantID/check-ins/:checkInID/follow-up": [],
        "POST /participants/:participantID/plan/edit/:section": [("base", "0"), ("values", "Changed")],
        "POST /participants/:participantID/plan/signatures": [
            ("number", "1"), ("signer", "coach"), ("typed_name", "X"),
        ],
        "POST /participants/:participantID/recovery-capital": (1...10).map { ("item_\($0)", "5") } + [
            ("action", "complete")
        ],
        "POST /participants/:participantID/notes": [
            ("date", "2026-03-01"), ("start", "10:00"), ("end", "10:30"), ("mode", "phone"), ("done", "x"),
        ],
        "POST /notes/:noteID": [("date", "2026-03-01"), ("done", "Changed")],
        "POST /notes/:noteID/sign": [("typed_name", "X")],
        "POST /notes/:noteID/addenda": [("text", "More"), ("typed_name", "X")],
        "POST /notes/:noteID/review": [("decision", "return"), ("comment", "No")],
        "POST /participants/:participantID/appointments": [
            ("date", "2099-03-01"), ("start", "10:00"), ("end", "10:30"), ("mode", "phone"),
        ],
        "POST /appointments/:appointmentID/reschedule": [
            ("date", "2099-03-02"), ("start", "10:00"), ("end", "10:30"), ("mode", "phone"), ("reason", "walk"),
        ],
        "POST /appointments/:appointmentID/cancel": [("reason", "No")],
        "POST /appointments/:appointmentID/record": [("outcome", "missed")],
        "POST /participants/:participantID/outreach": [("method", "phone"), ("outcome", "reached")],
        "POST /participants/:participantID/referrals": [("resource_id", "RESOURCE"), ("reason", "x"), ("agreed", "1")],
        "POST /participants/:participantID/place": [("coordinates", "38.7, -75.1")],
        "POST /referrals/:referralID/step": [("status", "declined")],
        "POST /participants/:participantID/consents": [
            ("recipient_kind", "person"), ("recipient_name", "Someone"), ("categories[]", "plan"),
            ("purpose", "other"), ("purpose_note", "x"), ("expiry", "day"), ("expires_on", "2099-01-01"),
            ("typed_name", "X"),
        ],
        "POST /consents/:consentID/revoke": [],
        "POST /consents/:consentID/disclosures": [],
        "POST /participants/:participantID/corrections": [("section", "profile"), ("text", "x")],
        "POST /corrections/:correctionID/answer": [("status", "corrected"), ("response", "ok")],
        "POST /participants/:participantID/anonymize": [("confirm", "yes")],
        "POST /alerts/:alertID/acknowledge": [("note", "Called")],
        "POST /messages/:engagementID": [("body", "Hello")],
        "POST /messages/:engagementID/read": [],
        "POST /participants/:participantID/trips": [
            ("purpose", "court"), ("pickup_place", "Home"), ("pickup_date", "2099-03-01"), ("pickup_time", "08:00"),
            ("destination", "Court"), ("end_date", "2099-03-01"), ("end_time", "12:00"), ("rate", "1"),
        ],
        "POST /trips/:tripID/escorts": [("escorts[]", "SELF")],
        "POST /trips/:tripID/cancel": [("reason", "No")],
        "POST /trips/:tripID/log": [("kind", "picked_up"), ("client_key", "matrix-key-1")],
        "POST /engagements/:engagementID/coverage": [("pattern", "nights")],
        "POST /engagements/:engagementID/shifts": [
            ("companion", "SELF"), ("start_date", "2099-03-01"), ("start_time", "08:00"), ("end_date", "2099-03-01"),
            ("end_time", "12:00"),
        ],
        "POST /shifts/:shiftID/log": [("category", "mood"), ("note", "x"), ("client_key", "matrix-key-3")],
        "POST /shifts/:shiftID/handover": [("handover_note", "x")],
    ]
    static let json: [String: String] = [
        "PUT /api/v1/participants/:participantId": #"{"preferredName":"Changed"}"#,
        "POST /api/v1/participants/:participantId/engagements":
            #"{"serviceType":"sober_escort","referralSource":"court","funding":"grant"}"#,
        "POST /api/v1/engagements/:engagementId/status": #"{"status":"paused"}"#,
        "PUT /api/v1/engagements/:engagementId/coaches": #"{"primaryCoachId":"SELF"}"#,
        "POST /api/v1/engagements/:engagementId/signatures": #"{"signer":"coach","typedName":"X","version":1}"#,
        "POST /api/v1/participants/:participantId/check-ins": #"{"mood":3,"craving":2,"reachOut":true}"#,
        "POST /api/v1/participants/:participantId/check-ins/:checkInId/follow-up": "{}",
        "PUT /api/v1/participants/:participantId/plan": #"{"base":0,"values":"Changed"}"#,
        "POST /api/v1/participants/:participantId/plan/signatures": #"{"version":1,"signer":"coach","typedName":"X"}"#,
        "POST /api/v1/participants/:participantId/recovery-capital": #"{"answers":[5,5,5,5,5,5,5,5,5,5]}"#,
        "POST /api/v1/participants/:participantId/notes": #"{"date":"2026-03-01","done":"walk"}"#,
        "PUT /api/v1/notes/:noteId": #"{"date":"2026-03-01","done":"Changed"}"#,
        "POST /api/v1/notes/:noteId/signature": #"{"typedName":"X"}"#,
        "POST /api/v1/notes/:noteId/addenda": #"{"text":"More","typedName":"X"}"#,
        "POST /api/v1/notes/:noteId/review": #"{"decision":"return","comment":"No"}"#,
        "POST /api/v1/participants/:participantId/appointments":
            #"{"date":"2099-03-01","start":"10:00","end":"10:30","mode":"phone"}"#,
        "POST /api/v1/appointments/:appointmentId/reschedule":
            #"{"date":"2099-03-02","start":"10:00","end":"10:30","mode":"phone","reason":"No"}"#,
        "POST /api/v1/appointments/:appointmentId/cancel": #"{"reason":"No"}"#,
        "POST /api/v1/appointments/:appointmentId/outcome": #"{"outcome":"missed"}"#,
        "POST /api/v1/participants/:participantId/outreach-attempts": #"{"method":"phone","outcome":"reached"}"#,
        "POST /api/v1/participants/:participantId/referrals": #"{"resourceId":"RESOURCE","reason":"x","agreed":true}"#,
        "POST /api/v1/referrals/:referralId/steps": #"{"status":"declined"}"#,
        "POST /api/v1/participants/:participantId/consents":
            #"{"recipientKind":"person","recipientName":"X","categories":["plan"],"purpose":"other","purposeNote":"x","expiry":"day","expiresOn":"2099-01-01","typedName":"X"}"#,
        "POST /api/v1/consents/:consentId/revocation": "{}",
        "POST /api/v1/consents/:consentId/disclosures": "{}",
        "POST /api/v1/alerts/:alertId/acknowledgement": #"{"note":"Called"}"#,
        "POST /api/v1/participants/:participantId/help-requests": "{}",
        "POST /api/v1/threads/:engagementId/messages": #"{"body":"Hello"}"#,
        "POST /api/v1/participants/:participantId/trips":
            #"{"purpose":"court","pickupPlace":"Home","pickupDate":"2099-03-01","pickupTime":"08:00","destination":"Court","endDate":"2099-03-01","endTime":"12:00"}"#,
        "POST /api/v1/trips/:tripId/escorts": #"{"escortIds":["SELF"]}"#,
        "POST /api/v1/trips/:tripId/cancellation": #"{"reason":"No"}"#,
        "POST /api/v1/trips/:tripId/log": #"{"clientKey":"matrix-key-2","kind":"picked_up"}"#,
        "PUT /api/v1/engagements/:engagementId/coverage": #"{"pattern":"nights"}"#,
        "POST /api/v1/engagements/:engagementId/shifts":
            #"{"companionId":"SELF","startDate":"2099-03-01","startTime":"08:00","endDate":"2099-03-01","endTime":"12:00"}"#,
        "POST /api/v1/shifts/:shiftId/log": #"{"clientKey":"matrix-key-4","category":"mood","note":"x"}"#,
        "POST /api/v1/shifts/:shiftId/handover": #"{"note":"x"}"#,
    ]
}
