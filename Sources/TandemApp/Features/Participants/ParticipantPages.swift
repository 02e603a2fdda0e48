import Foundation
import TandemKit
import Vapor

/// One checkbox of a group.
struct CheckOption: Encodable, Sendable {
    let value: String
    let label: String
    let checked: Bool
}

/// A label and a value of a summary list.
struct SummaryItem: Encodable, Sendable {
    let label: String
    let value: String
}

/// The participant form as submitted: the profile, and for a new participant the first engagement.
struct ParticipantForm: Content {
    var preferred_name: String?
    var legal_name: String?
    var pronouns: String?
    var date_of_birth: String?
    var phone: String?
    var email: String?
    var language: String?
    var contact_methods: [String]?
    var safe_contact_times: String?
    var pathways: [String]?
    var pathway_other: String?
    var recovery_start_date: String?
    var strengths: String?
    var emergency_contact_name: String?
    var emergency_contact_relationship: String?
    var emergency_contact_phone: String?
    var service_type: String?
    var referral_source: String?
    var funding: String?
    var start_date: String?
    var status: String?
    var primary_coach: String?

    var profile: ParticipantProfile {
        ParticipantProfile(
            preferredName: preferred_name ?? "", legalName: legal_name ?? "", pronouns: pronouns ?? "",
            dateOfBirth: date_of_birth ?? "", phone: phone ?? "", email: email ?? "", language: language ?? "en",
            contactMethods: contact_methods ?? [], safeContactTimes: safe_contact_times ?? "",
            pathways: pathways ?? [], pathwayOther: pathway_other ?? "",
            recoveryStartDate: recovery_start_date ?? "", strengths: strengths ?? "",
            emergencyContactName: emergency_contact_name ?? "",
            emergencyContactRelationship: emergency_contact_relationship ?? "",
            emergencyContactPhone: emergency_contact_phone ?? "")
    }

    var terms: EngagementService.Terms {
        EngagementService.Terms(
            serviceType: service_type ?? "", referralSource: referral_source ?? "", funding: funding ?? "",
            startDate: start_date ?? "", status: status ?? EngagementStatus.active.rawValue,
            primaryCoachID: primary_coach ?? "")
    }
}

extension Request {
    /// Select options for every case of an enumeration, labelled from `prefix` + raw value.
    func options<Value: RawRepresentable & CaseIterable>(
        _ type: Value.Type, prefix: String, selected: String?, blank: Bool = false
    ) -> [SelectOption] where Value.RawValue == String {
        (blank ? [SelectOption(value: "", label: t("choose_one"), selected: (selected ?? "").isEmpty)] : [])
            + Value.allCases.map {
                SelectOption(value: $0.rawValue, label: t(prefix + $0.rawValue), selected: $0.rawValue == selected)
            }
    }

    func checks<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, prefix: String, checked: [String])
        -> [CheckOption] where Value.RawValue == String
    {
        Value.allCases.map {
            CheckOption(value: $0.rawValue, label: t(prefix + $0.rawValue), checked: checked.contains($0.rawValue))
        }
    }

    /// Field errors from a service's problems.
    func fieldErrors(_ problems: [(field: String, key: String)]) -> [FieldError] {
        problems.map { FieldError(field: $0.field, message: t($0.key)) }
    }

    /// A UUID route parameter; 404 when it is not one.
    func id(_ name: String) throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    /// A short date and time in the organization's zone.
    func dateTime(_ date: Date, organization: Organization) -> String {
        DateTexts.shared.short(date, language: language, timeZone: organization.timeZone)
    }

    /// A calendar date as people read it, e.g. "March 3, 2026"; empty stays empty.
    func calendarDate(_ text: String) -> String {
        CalendarDate(text)?.written(messages) ?? text
    }
}
