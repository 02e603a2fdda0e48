import Fluent
import Foundation
import TandemKit

/// A person's role in one organization.
final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "organization_id") var organization: Organization
    @Enum(key: "role") var role: Role
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// When the person last chose to work in this organization; a new session starts in the
    /// latest one they chose (`OrganizationChoice.starting`).
    @OptionalField(key: "chosen_at") var chosenAt: Date?

    init() {}

    init(userID: UUID, organizationID: UUID, role: Role) {
        self.$user.id = userID
        self.$organization.id = organizationID
        self.role = role
    }
}
