import Fluent
import Foundation
import TandemKit

extension TenantScope {
    /// Each person's engagements with their coaches, as `PayerChoice` reads them to find the
    /// engagement a session belongs to (for billing's payer and the reports' service type).
    func engagementCandidates(of participants: [UUID]) async throws -> [UUID: [PayerChoice.Candidate]] {
        guard !participants.isEmpty else { return [:] }
        let engagements = try await engagements().filter(\.$participant.$id ~~ participants).all()
        let coaches = try await engagementCoaches().filter(\.$engagement.$id ~~ engagements.compactMap(\.id)).all()
        var coachesByEngagement: [UUID: [String]] = [:]
        for coach in coaches {
            coachesByEngagement[coach.$engagement.id, default: []].append(coach.$coach.id.uuidString)
        }
        var result: [UUID: [PayerChoice.Candidate]] = [:]
        for engagement in engagements {
            result[engagement.$participant.id, default: []].append(
                PayerChoice.Candidate(
                    funding: engagement.funding, startDate: engagement.startDate, endDate: engagement.endDate,
                    coachIDs: coachesByEngagement[engagement.id!] ?? [], serviceType: engagement.serviceType.rawValue))
        }
        return result
    }
}
