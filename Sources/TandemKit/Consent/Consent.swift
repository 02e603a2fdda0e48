import Foundation

/// What a consent may open to its recipient. Free-text notes are never among them unless
/// the person names session summaries.
public enum ConsentCategory: String, Sendable, CaseIterable, Codable {
    case plan
    case checkIns = "check_ins"
    case recoveryCapital = "recovery_capital"
    case meetingAttendance = "meeting_attendance"
    case milestones
    case sessionSummaries = "session_summaries"
    case tripAndShiftLogs = "trip_and_shift_logs"
    /// How a hand-off from a treatment center goes: whether each planned contact happened on time.
    case handoffStatus = "handoff_status"
}

/// Why the information is shared; a view or export names its purpose, and only a consent
/// given for that purpose allows it.
public enum ConsentPurpose: String, Sendable, CaseIterable, Codable {
    /// A family member supporting the person's recovery.
    case familySupport = "family_support"
    /// Coordinating care with a treatment center or other provider.
    case careCoordination = "care_coordination"
    /// Reporting to a court or diversion program.
    case courtProgram = "court_program"
    case other
}

/// Who receives the information: an account of the organization (a family member or a
/// partner who signs in), a partner organization, or a named outside party.
public enum ConsentRecipient: Hashable, Sendable {
    case account(UUID)
    case organization(String)
    case person(String)

    /// Outside parties are matched by name, whatever the case and spacing of its writing.
    public var key: String {
        switch self {
        case .account(let id): "account:" + id.uuidString.lowercased()
        case .organization(let name): "organization:" + Self.folded(name)
        case .person(let name): "person:" + Self.folded(name)
        }
    }

    static func folded(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Until when a consent holds: a day (inclusive), or the end of an engagement.
public enum ConsentExpiry: Hashable, Sendable {
    case day(CalendarDate)
    case engagementEnd
}

/// One consent as the rules see it.
public struct ConsentTerms: Sendable, Equatable {
    public let id: UUID
    public let recipient: ConsentRecipient
    public let categories: Set<ConsentCategory>
    public let purpose: ConsentPurpose
    public let expiry: ConsentExpiry
    /// When the person signed; a consent not yet signed allows nothing.
    public let signedAt: Date?
    public let revokedAt: Date?
    /// Whether the engagement a consent "until the end of the engagement" names has ended.
    public let engagementEnded: Bool

    public init(
        id: UUID, recipient: ConsentRecipient, categories: Set<ConsentCategory>, purpose: ConsentPurpose,
        expiry: ConsentExpiry, signedAt: Date?, revokedAt: Date? = nil, engagementEnded: Bool = false
    ) {
        self.engagementEnded = engagementEnded
        self.id = id
        self.recipient = recipient
        self.categories = categories
        self.purpose = purpose
        self.expiry = expiry
        self.signedAt = signedAt
        self.revokedAt = revokedAt
    }
}

/// The answer to "may this recipient see this category, for this purpose, now?".
public enum ConsentDecision: Equatable, Sendable {
    case allowed(consentID: UUID)
    case refused(Refusal)

    public enum Refusal: String, Sendable, Equatable {
        case noConsent = "no_consent"
        case categoryNotConsented = "category_not_consented"
        case purposeNotConsented = "purpose_not_consented"
        case notSigned = "not_signed"
        case expired
        case revoked
        case engagementEnded = "engagement_ended"
    }

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// Decides each view and export by a family member or partner at the moment it happens, from
/// the person's consents: only a signed consent, not revoked, not past its day or its
/// engagement, for this recipient, category and purpose allows it. A refusal names the
/// reason nearest to an allowing consent, so the person can see what would change it.
///
/// A signed-in recipient's own view passes no purpose: it is made for the purpose the
/// consent names, and the disclosure records that one.
public enum ConsentRules {
    public static func decide(
        _ consents: [ConsentTerms], recipient: ConsentRecipient, category: ConsentCategory,
        purpose: ConsentPurpose?, now: Date, today: CalendarDate, engagementEnded: Bool = false
    ) -> ConsentDecision {
        let theirs = consents.filter { $0.recipient.key == recipient.key }
        guard !theirs.isEmpty else { return .refused(.noConsent) }
        var nearest: ConsentDecision.Refusal = .noConsent
        // Reasons from the furthest from allowing to the nearest.
        let order: [ConsentDecision.Refusal] = [
            .noConsent, .notSigned, .revoked, .engagementEnded, .expired, .purposeNotConsented,
            .categoryNotConsented,
        ]
        func note(_ reason: ConsentDecision.Refusal) {
            if order.firstIndex(of: reason)! > order.firstIndex(of: nearest)! { nearest = reason }
        }
        for consent in theirs {
            guard let signed = consent.signedAt, signed <= now else {
                note(.notSigned)
                continue
            }
            if let revoked = consent.revokedAt, revoked <= now {
                note(.revoked)
                continue
            }
            switch consent.expiry {
            case .day(let last) where last < today:
                note(.expired)
                continue
            case .engagementEnd where engagementEnded || consent.engagementEnded:
                note(.engagementEnded)
                continue
            default: break
            }
            guard purpose == nil || consent.purpose == purpose else {
                note(.purposeNotConsented)
                continue
            }
            guard consent.categories.contains(category) else {
                note(.categoryNotConsented)
                continue
            }
            return .allowed(consentID: consent.id)
        }
        return .refused(nearest)
    }

    public static let purposeLimit = 500

    /// What is wrong with a consent about to be signed, as (field, message key) pairs.
    public static func problems(
        categories: Set<ConsentCategory>, purposeNote: String, expiry: ConsentExpiry?, typedName: String,
        today: CalendarDate
    ) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if categories.isEmpty { found.append(("categories", "error_consent_categories")) }
        if purposeNote.count > purposeLimit { found.append(("purpose_note", "error_text_too_long")) }
        switch expiry {
        case nil: found.append(("expiry", "error_consent_expiry"))
        case .day(let last)? where last < today: found.append(("expiry", "error_consent_expiry_past"))
        default: break
        }
        if let key = FieldRules.name(typedName.trimmingCharacters(in: .whitespacesAndNewlines), maximum: 200) {
            found.append(("typed_name", key))
        }
        return found
    }

    /// The notice every disclosed document or export carries (42 CFR §2.32, short form).
    public static let notice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

    /// How long a person can list the disclosures made from their records (42 CFR §2.25).
    public static let disclosureHistoryYears = 3
}
