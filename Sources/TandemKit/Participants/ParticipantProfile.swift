import Foundation

/// What a participant's profile holds. There is no diagnosis field, by design: recovery
/// coaching is non-clinical, and the person owns how they describe their recovery.
public struct ParticipantProfile: Equatable, Sendable {
    public var preferredName: String
    public var legalName: String
    public var pronouns: String
    public var dateOfBirth: String
    public var phone: String
    public var email: String
    public var language: String
    public var contactMethods: [String]
    public var safeContactTimes: String
    public var pathways: [String]
    public var pathwayOther: String
    public var recoveryStartDate: String
    public var strengths: String
    public var emergencyContactName: String
    public var emergencyContactRelationship: String
    public var emergencyContactPhone: String
    /// The person's own time zone (an IANA name); empty for their organization's. Their
    /// check-ins belong to their local calendar day.
    public var timeZone: String

    public init(
        preferredName: String = "", legalName: String = "", pronouns: String = "", dateOfBirth: String = "",
        phone: String = "", email: String = "", language: String = "en", contactMethods: [String] = [],
        safeContactTimes: String = "", pathways: [String] = [], pathwayOther: String = "",
        recoveryStartDate: String = "", strengths: String = "", emergencyContactName: String = "",
        emergencyContactRelationship: String = "", emergencyContactPhone: String = "", timeZone: String = ""
    ) {
        self.preferredName = preferredName
        self.legalName = legalName
        self.pronouns = pronouns
        self.dateOfBirth = dateOfBirth
        self.phone = phone
        self.email = email
        self.language = language
        self.contactMethods = contactMethods
        self.safeContactTimes = safeContactTimes
        self.pathways = pathways
        self.pathwayOther = pathwayOther
        self.recoveryStartDate = recoveryStartDate
        self.strengths = strengths
        self.emergencyContactName = emergencyContactName
        self.emergencyContactRelationship = emergencyContactRelationship
        self.emergencyContactPhone = emergencyContactPhone
        self.timeZone = timeZone
    }

    /// The person's own words for their pathway, kept only while "other" is among the pathways.
    public var effectivePathwayOther: String {
        pathways.contains(RecoveryPathway.other.rawValue) ? pathwayOther : ""
    }

    /// The longest each free-text field may be.
    public static let limits: [String: Int] = [
        "preferred_name": 120, "legal_name": 200, "pronouns": 40, "safe_contact_times": 500, "pathway_other": 120,
        "strengths": 2000, "emergency_contact_name": 120, "emergency_contact_relationship": 60, "phone": 30,
        "email": 254, "emergency_contact_phone": 30, "time_zone": 64,
    ]

    /// Sizes checked on what was sent, before spaces are trimmed, so the limits mean the
    /// same in a form, the API and its published schema.
    public func sizeProblems() -> [(field: String, key: String)] {
        let texts: [(String, String)] = [
            ("preferred_name", preferredName), ("legal_name", legalName), ("pronouns", pronouns),
            ("safe_contact_times", safeContactTimes), ("pathway_other", pathwayOther), ("strengths", strengths),
            ("emergency_contact_name", emergencyContactName),
            ("emergency_contact_relationship", emergencyContactRelationship), ("phone", phone), ("email", email),
            ("emergency_contact_phone", emergencyContactPhone), ("time_zone", timeZone),
        ]
        var found = texts.filter { $0.1.count > Self.limits[$0.0]! }.map { (field: $0.0, key: "error_text_too_long") }
        if contactMethods.count > 10 { found.append(("contact_methods", "error_value_invalid")) }
        if pathways.count > 20 { found.append(("pathways", "error_value_invalid")) }
        return found
    }

    /// Every problem of a profile as sent: sizes first, then the rules on its normalized form.
    public func allProblems(today: CalendarDate) -> [(field: String, key: String)] {
        var found = sizeProblems()
        for problem in normalized().problems(today: today) where !found.contains(where: { $0.field == problem.field }) {
            found.append(problem)
        }
        return found
    }

    /// The same profile with surrounding space trimmed, e-mail lower-cased and list values
    /// in their usual order.
    public func normalized() -> ParticipantProfile {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var copy = self
        copy.preferredName = trim(preferredName)
        copy.legalName = trim(legalName)
        copy.pronouns = trim(pronouns)
        copy.dateOfBirth = trim(dateOfBirth)
        copy.phone = trim(phone)
        copy.email = FieldRules.normalizedEmail(email)
        copy.language = trim(language)
        copy.safeContactTimes = trim(safeContactTimes)
        copy.pathwayOther = trim(pathwayOther)
        copy.recoveryStartDate = trim(recoveryStartDate)
        copy.strengths = trim(strengths)
        copy.emergencyContactName = trim(emergencyContactName)
        copy.emergencyContactRelationship = trim(emergencyContactRelationship)
        copy.emergencyContactPhone = trim(emergencyContactPhone)
        copy.timeZone = trim(timeZone)
        let methods = ValueList.parse(contactMethods, as: ContactMethod.self)
        copy.contactMethods = methods.values.map(\.rawValue) + methods.unknown
        let paths = ValueList.parse(pathways, as: RecoveryPathway.self)
        copy.pathways = paths.values.map(\.rawValue) + paths.unknown
        return copy
    }

    /// Each field at fault with the message key that says why; empty when the profile may be saved.
    /// Call on a normalized profile. `today` bounds the dates: none may be in the future.
    public func problems(today: CalendarDate) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if let key = FieldRules.name(preferredName, maximum: Self.limits["preferred_name"]!) {
            found.append(("preferred_name", key))
        }
        let texts: [(String, String)] = [
            ("legal_name", legalName), ("pronouns", pronouns), ("safe_contact_times", safeContactTimes),
            ("pathway_other", pathwayOther), ("strengths", strengths),
            ("emergency_contact_name", emergencyContactName),
            ("emergency_contact_relationship", emergencyContactRelationship),
        ]
        for (field, value) in texts {
            if value.count > Self.limits[field]! {
                found.append((field, "error_text_too_long"))
            } else if value.unicodeScalars.contains(where: { Self.forbidden($0) }) {
                found.append((field, "error_text_invalid"))
            }
        }
        for (field, value) in [("date_of_birth", dateOfBirth), ("recovery_start_date", recoveryStartDate)]
        where !value.isEmpty {
            guard let date = CalendarDate(value) else {
                found.append((field, "error_date_invalid"))
                continue
            }
            if date > today {
                found.append((field, "error_date_future"))
            } else if date.year < today.year - 120 {
                // A slip of the year (1900 for 1990), not a date anyone means.
                found.append((field, "error_date_too_old"))
            }
        }
        for (field, value) in [("phone", phone), ("emergency_contact_phone", emergencyContactPhone)]
        where !value.isEmpty {
            if let key = FieldRules.phoneLine(value) { found.append((field, key)) }
        }
        if !email.isEmpty, let key = FieldRules.email(email) { found.append(("email", key)) }
        if Language(rawValue: language) == nil { found.append(("language", "error_value_invalid")) }
        if !timeZone.isEmpty, !Self.timeZones.contains(timeZone) { found.append(("time_zone", "error_value_invalid")) }
        if !ValueList.parse(contactMethods, as: ContactMethod.self).unknown.isEmpty {
            found.append(("contact_methods", "error_value_invalid"))
        }
        if !ValueList.parse(pathways, as: RecoveryPathway.self).unknown.isEmpty {
            found.append(("pathways", "error_value_invalid"))
        }
        return found
    }

    /// The time zones a person may choose: the system's named zones.
    public static let timeZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers)

    /// Control characters other than line breaks and tabs have no place in what people type.
    public static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        FieldRules.unwantedInText(scalar)
    }
}
