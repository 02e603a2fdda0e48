/// What kind of help a resource gives. Codes are stable (they are stored and in CSV files);
/// names come from the message tables (`resource_category_<code>`). A resource has one or more.
public enum ResourceCategory: String, Sendable, CaseIterable, Codable {
    case naloxone = "harm_reduction_naloxone"
    case syringeServices = "harm_reduction_syringe_services"
    case drugChecking = "harm_reduction_drug_checking"
    case withdrawalManagement = "withdrawal_management"
    case outpatient = "treatment_outpatient"
    case intensiveOutpatient = "treatment_intensive_outpatient"
    case residential = "treatment_residential"
    case opioidTreatment = "treatment_opioid_medication"
    case recoveryHousing = "recovery_housing"
    case familySupport = "family_support"
    case mutualAid = "mutual_aid"
    case recoveryCommunity = "recovery_community"
    case mentalHealth = "mental_health"
    case crisis
    case housing
    case food
    case employment
    case legal
    case transportation
    case healthCare = "health_care"

    /// The heading a category is listed under in a picker ("harm reduction", "treatment"), or
    /// nil for a category that stands alone.
    public var group: String? {
        switch self {
        case .naloxone, .syringeServices, .drugChecking: "harm_reduction"
        case .outpatient, .intensiveOutpatient, .residential, .opioidTreatment: "treatment"
        default: nil
        }
    }
}

/// What using a resource costs. A resource may offer several.
public enum ResourceCost: String, Sendable, CaseIterable, Codable {
    case free
    case slidingScale = "sliding_scale"
    case insurance
}
