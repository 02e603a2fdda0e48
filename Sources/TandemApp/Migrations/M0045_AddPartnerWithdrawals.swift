import Fluent

/// When a treatment center's liaison took a referral back, kept beside a decision they could
/// not see (see `HandoffService.withdraw`).
struct M0045_AddPartnerWithdrawals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("handoffs").field("partner_withdrew_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("handoffs").deleteField("partner_withdrew_at").update()
    }
}
