import Fluent

/// Every migration, in order. Never edit one that has shipped; add the next number.
enum TandemMigrations {
    static let all: [any Migration] = [
        M0001_CreateOrganizations(),
        M0002_CreateUsers(),
        M0003_CreateMemberships(),
        M0004_CreateOneTimeLinks(),
        M0005_CreateRecoveryCodes(),
        M0006_CreateApiTokens(),
        M0007_CreateSigninFailures(),
        M0008_CreateWebSessions(),
        M0009_CreateAuditEvents(),
        M0010_AddAuditClientAddress(),
        M0011_CreateParticipants(),
        M0012_CreateEngagements(),
        M0013_CreateAgreements(),
        M0014_LinkAuditAndInvitationsToParticipants(),
        M0015_CreateIdempotencyKeys(),
        M0016_OrderParticipantsByNameAndID(),
        M0017_AddParticipantTimeZone(),
        M0018_CreateCheckIns(),
        M0019_CreateRecoveryCapitalAssessments(),
        M0020_CreateRecoveryPlans(),
        M0021_CreateSessionNotes(),
        M0022_CreateBillingSettings(),
        M0023_CreateAppointments(),
        M0024_CreateOutbox(),
        M0025_CreateOutreach(),
        M0026_AddOutboxLeases(),
        M0027_CreateMeetings(),
        M0028_CreateResourcesAndReferrals(),
        M0029_AddMeetingFollowUps(),
        M0030_CreateMeetingSettings(),
        M0031_CreateConsentsAndFamily(),
        M0032_CreateSafetyAlerts(),
    ]
}
