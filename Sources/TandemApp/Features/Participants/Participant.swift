import Fluent
import Foundation
import TandemKit

/// A person supported by the organization. May exist without a sign-in; `user` links the
/// record to the account they sign in with once invited.
final class Participant: Model, @unchecked Sendable {
    static let schema = "participants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "user_id") var user: User?
    @Field(key: "preferred_name") var preferredName: String
    @Field(key: "legal_name") var legalName: String
    @Field(key: "pronouns") var pronouns: String
    @Field(key: "date_of_birth") var dateOfBirth: String
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "language") var language: String
    @Field(key: "contact_methods") var contactMethods: String
    @Field(key: "safe_contact_times") var safeContactTimes: String
    @Field(key: "pathways") var pathways: String
    @Field(key: "pathway_other") var pathwayOther: String
    @Field(key: "recovery_start_date") var recoveryStartDate: String
    @Field(key: "strengths") var strengths: String
    @Field(key: "emergency_contact_name") var emergencyContactName: String
    @Field(key: "emergency_contact_relationship") var emergencyContactRelationship: String
    @Field(key: "emergency_contact_phone") var emergencyContactPhone: String
    @Field(key: "sort_name") var sortName: String
    @Field(key: "time_zone") var timeZone: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, profile: ParticipantProfile) {
        self.$organization.id = organizationID
        self.$user.id = nil
        apply(profile)
    }

    var profile: ParticipantProfile {
        ParticipantProfile(
            preferredName: preferredName, legalName: legalName, pronouns: pronouns, dateOfBirth: dateOfBirth,
            phone: phone, email: email, language: language, contactMethods: ValueList.split(contactMethods),
            safeContactTimes: safeContactTimes, pathways: ValueList.split(pathways), pathwayOther: pathwayOther,
            recoveryStartDate: recoveryStartDate, strengths: strengths, emergencyContactName: emergencyContactName,
            emergencyContactRelationship: emergencyContactRelationship, emergencyContactPhone: emergencyContactPhone,
            timeZone: timeZone)
    }

    /// Copies a validated, normalized profile onto the record.
    func apply(_ profile: ParticipantProfile) {
        preferredName = profile.preferredName
        legalName = profile.legalName
        pronouns = profile.pronouns
        dateOfBirth = profile.dateOfBirth
        phone = profile.phone
        email = profile.email
        language = profile.language
        contactMethods = profile.contactMethods.joined(separator: ",")
        safeContactTimes = profile.safeContactTimes
        pathways = profile.pathways.joined(separator: ",")
        pathwayOther = profile.effectivePathwayOther
        recoveryStartDate = profile.recoveryStartDate
        strengths = profile.strengths
        emergencyContactName = profile.emergencyContactName
        emergencyContactRelationship = profile.emergencyContactRelationship
        emergencyContactPhone = profile.emergencyContactPhone
        sortName = NameSearch.sortKey(profile.preferredName)
        timeZone = profile.timeZone
    }
}

/// One folded word of a participant's names, for prefix search through an index.
final class ParticipantSearchTerm: Model, @unchecked Sendable {
    static let schema = "participant_search_terms"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "participant_id") var participant: Participant
    @Field(key: "term") var term: String
    @Field(key: "sort_name") var sortName: String

    init() {}

    init(organizationID: UUID, participantID: UUID, term: String, sortName: String) {
        self.organizationID = organizationID
        self.$participant.id = participantID
        self.term = term
        self.sortName = sortName
    }
}

extension Participant: LoadsColumnsDirectly {
    func loadColumns(from output: any DatabaseOutput) throws {
        try $id.output(from: output)
        try $organization.output(from: output)
        try $user.output(from: output)
        try $preferredName.output(from: output)
        try $legalName.output(from: output)
        try $pronouns.output(from: output)
        try $dateOfBirth.output(from: output)
        try $phone.output(from: output)
        try $email.output(from: output)
        try $language.output(from: output)
        try $contactMethods.output(from: output)
        try $safeContactTimes.output(from: output)
        try $pathways.output(from: output)
        try $pathwayOther.output(from: output)
        try $recoveryStartDate.output(from: output)
        try $strengths.output(from: output)
        try $emergencyContactName.output(from: output)
        try $emergencyContactRelationship.output(from: output)
        try $emergencyContactPhone.output(from: output)
        try $sortName.output(from: output)
        try $timeZone.output(from: output)
        try $createdAt.output(from: output)
        try $updatedAt.output(from: output)
    }
}
