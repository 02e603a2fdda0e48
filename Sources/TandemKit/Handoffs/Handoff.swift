import Foundation

/// Where a hand-off from a treatment center stands.
public enum HandoffStatus: String, Sendable, CaseIterable, Codable {
    /// Sent by the partner, waiting for the organization.
    case referred
    /// Accepted: the person is a participant with a coach.
    case accepted
    /// The organization could not take it, with a reason for the partner.
    case declined
    /// Taken back by the partner before a decision.
    case withdrawn

    public var isOpen: Bool { self == .referred }
}

/// A person referred by a treatment center before discharge, as the partner sends it.
public struct HandoffReferral: Sendable, Equatable {
    public var preferredName: String
    public var phone: String
    public var email: String
    public var language: String
    public var dischargeDate: String
    public var serviceType: String
    public var notes: String
    /// The treatment center's name, as the liaison writes it.
    public var treatmentCenter: String
    /// Whether the person agreed that the partner sees how the hand-off goes.
    public var statusConsent: Bool
    /// The person's name as they signed that consent; required with it.
    public var consentSignedName: String

    public init(
        preferredName: String = "", phone: String = "", email: String = "", language: String = "en",
        dischargeDate: String = "", serviceType: String = "", notes: String = "", treatmentCenter: String = "",
        statusConsent: Bool = false, consentSignedName: String = ""
    ) {
        self.preferredName = preferredName
        self.phone = phone
        self.email = email
        self.language = language
        self.dischargeDate = dischargeDate
        self.serviceType = serviceType
        self.notes = notes
        self.treatmentCenter = treatmentCenter
        self.statusConsent = statusConsent
        self.consentSignedName = consentSignedName
    }

    /// The services a treatment center may ask for at discharge.
    public static let services: [ServiceType] = [.virtualCoaching, .recoveryCoaching, .soberCompanion, .soberEscort]

    public static let notesLimit = 2000
    /// A discharge that already happened is still worth a hand-off for a while.
    public static let pastDischargeDays = 30
    public static let futureDischargeDays = 365

    public func normalized() -> HandoffReferral {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var copy = self
        copy.preferredName = trim(preferredName)
        copy.phone = trim(phone)
        copy.email = email.isEmpty ? "" : FieldRules.normalizedEmail(email)
        copy.language = trim(language)
        copy.dischargeDate = trim(dischargeDate)
        copy.serviceType = trim(serviceType)
        copy.notes = trim(notes)
        copy.treatmentCenter = trim(treatmentCenter)
        copy.consentSignedName = trim(consentSignedName)
        return copy
    }

    /// Each field at fault with the message key saying why; call on a normalized referral.
    /// The coach must be able to reach the person: a phone number or an e-mail address.
    public func problems(today: CalendarDate) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if let key = FieldRules.name(preferredName, maximum: 120) { found.append(("preferred_name", key)) }
        if phone.isEmpty && email.isEmpty {
            found.append(("phone", "error_handoff_contact"))
        } else {
            if !phone.isEmpty, let key = FieldRules.phoneLine(phone) { found.append(("phone", key)) }
            if !email.isEmpty, let key = FieldRules.email(email) { found.append(("email", key)) }
        }
        if !["en", "es"].contains(language) { found.append(("language", "error_choose_one")) }
        if let day = CalendarDate(dischargeDate) {
            if day.days(until: today) > Self.pastDischargeDays {
                found.append(("discharge_date", "error_handoff_discharge_past"))
            } else if today.days(until: day) > Self.futureDischargeDays {
                found.append(("discharge_date", "error_handoff_discharge_far"))
            }
        } else {
            found.append(("discharge_date", dischargeDate.isEmpty ? "error_date_required" : "error_date_invalid"))
        }
        if !Self.services.contains(where: { $0.rawValue == serviceType }) {
            found.append(("service_type", "error_choose_one"))
        }
        if notes.count > Self.notesLimit {
            found.append(("notes", "error_text_too_long"))
        } else if notes.unicodeScalars.contains(where: FieldRules.unwantedInText) {
            found.append(("notes", "error_text_invalid"))
        }
        if let key = FieldRules.name(treatmentCenter, maximum: 200) { found.append(("treatment_center", key)) }
        if statusConsent, let key = FieldRules.name(consentSignedName, maximum: 200) {
            found.append(("consent_signed_name", key))
        } else if !statusConsent && !consentSignedName.isEmpty {
            // A signed name without the box is a consent half given: ask rather than drop it.
            found.append(("consent_signed_name", "error_handoff_consent_tick"))
        }
        return found
    }
}
