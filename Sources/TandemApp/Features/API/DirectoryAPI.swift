import Fluent
import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The resource directory and referrals in the API, over the same services as the pages.
extension APIHandler {
    func findResources(_ input: Operations.findResources.Input) async throws -> Operations.findResources.Output {
        try await api { req, actor in
            let query = input.query
            if (query.q?.count ?? 0) > 100 {
                throw APIProblem(
                    status: .badRequest, reason: "q is too long.",
                    fields: [.init(field: "q", message: "Use at most 100 characters.")])
            }
            let near = try Self.point(latitude: query.latitude, longitude: query.longitude, km: query.km)
            if let language = query.language, !ResourceDraft.isLanguageCode(language) {
                throw APIProblem(
                    status: .badRequest, reason: "language is not a language code.",
                    fields: [.init(field: "language", message: "Use two or three lower-case letters, like es.")])
            }
            var filter = ResourceService.Filter()
            filter.words = query.q ?? ""
            filter.category = query.category.flatMap { ResourceCategory(rawValue: $0.rawValue) }
            filter.language = query.language
            filter.openNow = query.openNow ?? false
            filter.near = near
            if let km = query.km { filter.kilometres = km }
            let found = try await ResourceService(req: req, actor: actor).search(filter)
            return .ok(.init(body: .json(.init(items: found.map(Self.resource)))))
        }
    }

    func getResource(_ input: Operations.getResource.Input) async throws -> Operations.getResource.Output {
        try await api { req, actor in
            let found = try await ResourceService(req: req, actor: actor).resource(
                try Self.uuid(input.path.resourceId, "resourceId"))
            return .ok(.init(body: .json(Self.resource(found))))
        }
    }

    func createResource(_ input: Operations.createResource.Input) async throws -> Operations.createResource.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = ResourceService(req: req, actor: actor)
            let saved = try await service.save(nil, try Self.draft(body))
            return .created(.init(body: .json(Self.resource(try await service.resource(saved.id!)))))
        }
    }

    func updateResource(_ input: Operations.updateResource.Input) async throws -> Operations.updateResource.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = ResourceService(req: req, actor: actor)
            let id = try Self.uuid(input.path.resourceId, "resourceId")
            _ = try await service.save(id, try Self.draft(body))
            return .ok(.init(body: .json(Self.resource(try await service.resource(id)))))
        }
    }

    func deleteResource(_ input: Operations.deleteResource.Input) async throws -> Operations.deleteResource.Output {
        try await api { req, actor in
            try await ResourceService(req: req, actor: actor).delete(try Self.uuid(input.path.resourceId, "resourceId"))
            return .noContent(.init())
        }
    }

    /// The draft a body describes; codes the document's pattern refuses are refused here too,
    /// before the rules would quietly drop an empty one.
    static func draft(_ body: Schemas.ResourceInput) throws -> ResourceDraft {
        if let languages = body.languages, languages.contains(where: { !ResourceDraft.isLanguageCode($0) }) {
            throw APIProblem(
                status: .unprocessableEntity, reason: "Some fields are not valid.",
                fields: [.init(field: "languages", message: "Use language codes such as en, es, vi.")])
        }
        return ResourceDraft(
            name: body.name, description: body.description ?? "", categories: body.categories.map(\.rawValue),
            address: body.address ?? "", latitude: body.latitude.map { String($0) } ?? "",
            longitude: body.longitude.map { String($0) } ?? "", phone: body.phone ?? "", website: body.website ?? "",
            hours: body.hours ?? "", languages: body.languages ?? [], costs: body.costs?.map(\.rawValue) ?? [],
            eligibility: body.eligibility ?? "", accessibility: body.accessibility ?? "",
            lastVerified: body.lastVerified ?? "")
    }

    static func resource(_ found: ResourceService.Found) -> Schemas.Resource {
        let resource = found.resource
        return .init(
            id: resource.id!.uuidString, name: resource.name, description: resource.description,
            categories: Resource.list(resource.categories).compactMap { Schemas.ResourceCategory(rawValue: $0) },
            address: resource.address, latitude: resource.latitude, longitude: resource.longitude,
            phone: resource.phone, website: resource.website, hours: resource.hours,
            languages: Resource.list(resource.languages),
            costs: Resource.list(resource.costs).compactMap { Schemas.ResourceCost(rawValue: $0) },
            eligibility: resource.eligibility, accessibility: resource.accessibility,
            lastVerified: resource.lastVerified, openNow: found.isOpen, stale: found.isStale,
            distanceKm: found.distance)
    }

    // MARK: Referrals

    func listReferrals(_ input: Operations.listReferrals.Input) async throws -> Operations.listReferrals.Output {
        try await api { req, actor in
            let (_, _, referrals) = try await ReferralService(req, actor: actor).list(
                of: try Self.uuid(input.path.participantId, "participantId"))
            return .ok(.init(body: .json(.init(items: referrals.map { Self.referral($0, steps: []) }))))
        }
    }

    func createReferral(_ input: Operations.createReferral.Input) async throws -> Operations.createReferral.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = ReferralService(req, actor: actor)
            let made = try await service.create(
                try Self.uuid(input.path.participantId, "participantId"),
                .init(
                    resourceID: try Self.uuid(body.resourceId, "resourceId"), reason: body.reason,
                    notes: body.notes ?? "", agreed: body.agreed ?? false, followUp: body.followUp ?? ""))
            return .created(.init(body: .json(try await Self.referral(made.id!, service))))
        }
    }

    func getReferral(_ input: Operations.getReferral.Input) async throws -> Operations.getReferral.Output {
        try await api { req, actor in
            .ok(
                .init(
                    body: .json(
                        try await Self.referral(
                            try Self.uuid(input.path.referralId, "referralId"), ReferralService(req, actor: actor)))))
        }
    }

    func moveReferral(_ input: Operations.moveReferral.Input) async throws -> Operations.moveReferral.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let service = ReferralService(req, actor: actor)
            let id = try Self.uuid(input.path.referralId, "referralId")
            _ = try await service.move(
                id,
                .init(
                    status: body.status.flatMap { ReferralStatus(rawValue: $0.rawValue) },
                    outcome: body.outcome?.rawValue ?? "", note: body.note ?? "",
                    agreed: body.agreed == true ? true : nil, followUp: body.followUp))
            return .ok(.init(body: .json(try await Self.referral(id, service))))
        }
    }

    func listReferralFollowUps(_ input: Operations.listReferralFollowUps.Input) async throws
        -> Operations.listReferralFollowUps.Output
    {
        try await api { req, actor in
            let coach = try input.query.coachId.map { try Self.uuid($0, "coachId") }
            let items = try await ReferralService(req, actor: actor).followUps(coach: coach).map {
                Schemas.ReferralFollowUp(
                    referralId: $0.referralID.uuidString, participantId: $0.participantID.uuidString,
                    participantName: $0.participantName, resourceName: $0.resourceName,
                    status: Schemas.ReferralStatus(rawValue: $0.status.rawValue) ?? .suggested,
                    followUp: $0.followUpOn)
            }
            return .ok(.init(body: .json(.init(items: items))))
        }
    }

    static func referral(_ id: UUID, _ service: ReferralService) async throws -> Schemas.Referral {
        let detail = try await service.referral(id)
        return referral(
            detail.referral,
            steps: detail.steps.map { step, by in
                Schemas.ReferralStep(
                    status: Schemas.ReferralStatus(rawValue: step.status.rawValue) ?? .suggested,
                    outcome: step.outcome, note: step.note, followUp: step.followUpOn, by: by, at: step.createdAt)
            })
    }

    static func referral(_ referral: Referral, steps: [Schemas.ReferralStep]) -> Schemas.Referral {
        .init(
            id: referral.id!.uuidString, participantId: referral.participantID.uuidString,
            resourceId: referral.resourceID?.uuidString, resourceName: referral.resourceName,
            byParticipant: referral.byParticipant, reason: referral.reason, notes: referral.notes,
            agreed: referral.agreed, status: Schemas.ReferralStatus(rawValue: referral.status.rawValue) ?? .suggested,
            outcome: referral.outcome, followUp: referral.followUpOn, createdAt: referral.createdAt,
            closedAt: referral.closedAt, steps: steps)
    }
}
