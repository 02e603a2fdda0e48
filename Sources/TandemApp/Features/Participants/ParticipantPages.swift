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
    var time_zone: String?
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
            emergencyContactPhone: emergency_contact_phone ?? "", timeZone: time_zone ?? "")
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

/// The participant form's page: the profile fields, and for a new participant the first
/// engagement's fields.
extension ParticipantController {
    struct FormBody: Encodable, Sendable {
        let action: String
        let isNew: Bool
        let cancel: String
        let v: [String: String]
        let languages: [SelectOption]
        let timeZones: [SelectOption]
        let contactMethods: [CheckOption]
        let pathways: [CheckOption]
        let engagement: EngagementFields?
        /// The recovery start date is the person's own, shown to them and their coaches only.
        let seesRecoveryDate: Bool
        /// The person changing their own details: legal name, date of birth and e-mail are
        /// not theirs to change here (a request for correction is).
        var ownDetails = false
    }

    /// The fields of a new engagement, shared by the new-participant and new-engagement pages.
    struct EngagementFields: Encodable, Sendable {
        let serviceTypes: [SelectOption]
        let referralSources: [SelectOption]
        let fundings: [SelectOption]
        let statuses: [SelectOption]
        let coaches: [SelectOption]
        let choosesCoach: Bool
        let startDate: String
    }

    static func engagementFields(_ form: ParticipantForm, actor: Actor, req: Request) async throws -> EngagementFields {
        let staff = try await EngagementService(req, actor: actor).staff()
        let chosenCoach = form.primary_coach ?? actor.userID.uuidString
        return EngagementFields(
            serviceTypes: req.options(ServiceType.self, prefix: "service_", selected: form.service_type, blank: true),
            referralSources: req.options(
                ReferralSource.self, prefix: "referral_", selected: form.referral_source, blank: true),
            fundings: req.options(Funding.self, prefix: "funding_", selected: form.funding, blank: true),
            statuses: [EngagementStatus.active, .referred].map {
                SelectOption(
                    value: $0.rawValue, label: req.t("status_" + $0.rawValue),
                    selected: $0.rawValue == (form.status ?? "active"))
            },
            coaches: staff.map {
                SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id.uuidString == chosenCoach)
            },
            choosesCoach: actor.role != .coach,
            startDate: form.start_date ?? ParticipantService.today(in: actor.organization).description)
    }

    static func formBody(
        _ form: ParticipantForm, action: String, isNew: Bool, cancel: String, actor: Actor, req: Request,
        seesRecoveryDate: Bool = true, ownDetails: Bool = false
    ) async throws -> FormBody {
        let values: [String: String] = [
            "preferred_name": form.preferred_name ?? "", "legal_name": form.legal_name ?? "",
            "pronouns": form.pronouns ?? "", "date_of_birth": form.date_of_birth ?? "", "phone": form.phone ?? "",
            "email": form.email ?? "", "safe_contact_times": form.safe_contact_times ?? "",
            "pathway_other": form.pathway_other ?? "", "recovery_start_date": form.recovery_start_date ?? "",
            "strengths": form.strengths ?? "", "emergency_contact_name": form.emergency_contact_name ?? "",
            "emergency_contact_relationship": form.emergency_contact_relationship ?? "",
            "emergency_contact_phone": form.emergency_contact_phone ?? "",
        ]
        return FormBody(
            action: action, isNew: isNew, cancel: cancel, v: values,
            languages: req.options(
                Language.self, prefix: "language_", selected: form.language ?? req.language.rawValue),
            timeZones: timeZoneOptions(selected: form.time_zone ?? "", organization: actor.organization, req: req),
            contactMethods: req.checks(ContactMethod.self, prefix: "contact_", checked: form.contact_methods ?? []),
            pathways: req.checks(RecoveryPathway.self, prefix: "pathway_", checked: form.pathways ?? []),
            engagement: isNew ? try await engagementFields(form, actor: actor, req: req) : nil,
            seesRecoveryDate: seesRecoveryDate, ownDetails: ownDetails)
    }

    static func form(from profile: ParticipantProfile) -> ParticipantForm {
        var form = ParticipantForm()
        form.preferred_name = profile.preferredName
        form.legal_name = profile.legalName
        form.pronouns = profile.pronouns
        form.date_of_birth = profile.dateOfBirth
        form.phone = profile.phone
        form.email = profile.email
        form.language = profile.language
        form.contact_methods = profile.contactMethods
        form.safe_contact_times = profile.safeContactTimes
        form.pathways = profile.pathways
        form.pathway_other = profile.pathwayOther
        form.recovery_start_date = profile.recoveryStartDate
        form.strengths = profile.strengths
        form.emergency_contact_name = profile.emergencyContactName
        form.emergency_contact_relationship = profile.emergencyContactRelationship
        form.emergency_contact_phone = profile.emergencyContactPhone
        form.time_zone = profile.timeZone
        return form
    }

    /// The organization's zone first (the default), then every named zone.
    static let sortedTimeZones = ParticipantProfile.timeZones.sorted()

    static func timeZoneOptions(selected: String, organization: Organization, req: Request) -> [SelectOption] {
        [
            SelectOption(
                value: "", label: req.t("time_zone_organization", ["zone": organization.timeZone]),
                selected: selected.isEmpty)
        ] + sortedTimeZones.map { SelectOption(value: $0, label: $0, selected: $0 == selected) }
    }
}
