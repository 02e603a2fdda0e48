import Fluent
import Foundation
import TandemKit

/// An organization's billing policy; an organization without a row bills by the defaults
/// (`cms8`, no cap, HQ for groups, no payer modifiers).
final class BillingSettings: Model, @unchecked Sendable {
    static let schema = "billing_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Enum(key: "unit_rule") var unitRule: UnitRule
    @Field(key: "daily_cap") var dailyCap: Int?
    @Field(key: "group_modifier") var groupModifier: String
    /// Space-separated modifiers for each paying funding.
    @Field(key: "medicaid_modifiers") var medicaidModifiers: String
    @Field(key: "grant_modifiers") var grantModifiers: String
    @Field(key: "private_pay_modifiers") var privatePayModifiers: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID) {
        self.organizationID = organizationID
        apply(BillingPolicy())
    }

    var policy: BillingPolicy {
        func list(_ text: String) -> [String] { BillingPolicy.parseModifiers(text) ?? [] }
        return BillingPolicy(
            rule: unitRule, dailyCap: dailyCap, groupModifier: groupModifier,
            payerModifiers: [
                .medicaidInsurance: list(medicaidModifiers), .grant: list(grantModifiers),
                .privatePay: list(privatePayModifiers),
            ])
    }

    func apply(_ policy: BillingPolicy) {
        unitRule = policy.rule
        dailyCap = policy.dailyCap
        groupModifier = policy.groupModifier
        medicaidModifiers = (policy.payerModifiers[.medicaidInsurance] ?? []).joined(separator: " ")
        grantModifiers = (policy.payerModifiers[.grant] ?? []).joined(separator: " ")
        privatePayModifiers = (policy.payerModifiers[.privatePay] ?? []).joined(separator: " ")
    }
}

/// A staff member's credential as billing reports it (e.g. CPRS, PRSS).
final class ProviderCredential: Model, @unchecked Sendable {
    static let schema = "provider_credentials"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "credential") var credential: String

    init() {}

    init(organizationID: UUID, userID: UUID, credential: String) {
        self.organizationID = organizationID
        self.userID = userID
        self.credential = credential
    }
}
