import Fluent
import Foundation
import TandemKit

/// One entry of an organization's resource directory: a place or service people can be
/// referred to. Lists are kept as `,a,b,` (see M0028).
final class Resource: Model, @unchecked Sendable {
    static let schema = "resources"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "categories") var categories: String
    @Field(key: "address") var address: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "phone") var phone: String
    @Field(key: "website") var website: String
    @Field(key: "hours") var hours: String
    @Field(key: "languages") var languages: String
    @Field(key: "costs") var costs: String
    @Field(key: "eligibility") var eligibility: String
    @Field(key: "accessibility") var accessibility: String
    @Field(key: "last_verified") var lastVerified: String
    /// Name, description, address, eligibility and accessibility, lower-cased, for a words search.
    @Field(key: "search_text") var searchText: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID) {
        self.organizationID = organizationID
    }

    static func listColumn(_ codes: [String]) -> String {
        codes.isEmpty ? "" : "," + codes.joined(separator: ",") + ","
    }
    static func list(_ column: String) -> [String] { column.split(separator: ",").map(String.init) }

    /// Copies a checked, normalized draft.
    func apply(_ draft: ResourceDraft) {
        name = draft.name
        description = draft.description
        categories = Self.listColumn(draft.categories)
        address = draft.address
        latitude = draft.coordinates?.latitude
        longitude = draft.coordinates?.longitude
        phone = draft.phone
        website = draft.website
        hours = draft.hours
        languages = Self.listColumn(draft.languages)
        costs = Self.listColumn(draft.costs)
        eligibility = draft.eligibility
        accessibility = draft.accessibility
        lastVerified = draft.lastVerified
        searchText = [name, description, address, eligibility, accessibility].filter { !$0.isEmpty }
            .joined(separator: " ").lowercased()
    }

    var draft: ResourceDraft {
        ResourceDraft(
            name: name, description: description, categories: Self.list(categories), address: address,
            latitude: latitude.map { String($0) } ?? "", longitude: longitude.map { String($0) } ?? "", phone: phone,
            website: website, hours: hours, languages: Self.list(languages), costs: Self.list(costs),
            eligibility: eligibility, accessibility: accessibility, lastVerified: lastVerified)
    }
}

/// The place a person searches near, by coordinates they or their coach typed (no outside
/// geocoding service is asked).
final class ParticipantPlace: Model, @unchecked Sendable {
    static let schema = "participant_places"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "participant_id") var participantID: UUID
    @Field(key: "label") var label: String
    @Field(key: "latitude") var latitude: Double
    @Field(key: "longitude") var longitude: Double
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, participantID: UUID) {
        self.organizationID = organizationID
        self.participantID = participantID
    }
}
