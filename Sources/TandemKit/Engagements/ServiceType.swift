/// The six kinds of engagement Tandem supports, each a first-class part of the product.
public enum ServiceType: String, Codable, Sendable, CaseIterable {
    case recoveryCoaching = "recovery_coaching"
    case peerRecoverySupport = "peer_recovery_support"
    case soberCompanion = "sober_companion"
    case soberEscort = "sober_escort"
    case familyRecoveryCoaching = "family_recovery_coaching"
    case virtualCoaching = "virtual_coaching"

    /// A record whose every engagement is family recovery coaching belongs to a family member
    /// supported in their own right: their record leaves out what measures a person's own
    /// recovery (check-in and recovery capital charts). A record with no engagement is not one.
    public static func isFamilyMemberRecord(_ services: [ServiceType]) -> Bool {
        !services.isEmpty && services.allSatisfy { $0 == .familyRecoveryCoaching }
    }
}

/// How a person came to the organization.
public enum ReferralSource: String, Codable, Sendable, CaseIterable {
    case `self`, treatmentCenter = "treatment_center", court, family, other
}

/// Who pays for the engagement.
public enum Funding: String, Codable, Sendable, CaseIterable {
    case medicaidInsurance = "medicaid_insurance", grant, privatePay = "private_pay", volunteer
}
