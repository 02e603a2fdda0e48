import Fluent
import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// The participant, engagement and agreement operations of the API: decode, call the same
/// services the pages use, encode. Access checks and audit happen in the services.
extension APIHandler {
    typealias Schemas = Components.Schemas

    func listParticipants(_ input: Operations.listParticipants.Input) async throws
        -> Operations.listParticipants.Output
    {
        try await api { req, actor in
            let page = try Self.page(input.query.page)
            let query = input.query.q ?? ""
            guard query.count <= 100 else {
                throw APIProblem(
                    status: .badRequest, reason: "q has at most 100 characters.",
                    fields: [.init(field: "q", message: "Use at most 100 characters.")])
            }
            let (rows, hasMore) = try await ParticipantService(req, actor: actor).search(query, page: page)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: rows.map {
                                .init(id: $0.id.uuidString, preferredName: $0.name, pronouns: $0.pronouns)
                            }, page: page, hasMore: hasMore))))
        }
    }

    func createParticipant(_ input: Operations.createParticipant.Input) async throws
        -> Operations.createParticipant.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let created = try await Idempotency(req: req, userID: actor.userID).run(
                key: input.headers.Idempotency_hyphen_Key, operation: "createParticipant", body: body,
                create: {
                    try await ParticipantService(req, actor: actor).create(
                        Self.profile(body.profile), engagement: try Self.terms(body.engagement)
                    ).0.id!
                }, read: { try await Self.participant($0, req: req, actor: actor) })
            return .created(.init(body: .json(created)))
        }
    }

    func getParticipant(_ input: Operations.getParticipant.Input) async throws -> Operations.getParticipant.Output {
        try await api { req, actor in
            .ok(
                .init(
                    body: .json(
                        try await Self.participant(
                            try Self.uuid(input.path.participantId, "participantId"), req: req, actor: actor))))
        }
    }

    func updateParticipant(_ input: Operations.updateParticipant.Input) async throws
        -> Operations.updateParticipant.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.participantId, "participantId")
            _ = try await ParticipantService(req, actor: actor).update(id, profile: Self.profile(body))
            return .ok(.init(body: .json(try await Self.participant(id, req: req, actor: actor, audited: false))))
        }
    }

    func deleteParticipant(_ input: Operations.deleteParticipant.Input) async throws
        -> Operations.deleteParticipant.Output
    {
        try await api { req, actor in
            try await ParticipantService(req, actor: actor).delete(
                try Self.uuid(input.path.participantId, "participantId"))
            return .noContent(.init())
        }
    }

    func getAccessHistory(_ input: Operations.getAccessHistory.Input) async throws
        -> Operations.getAccessHistory.Output
    {
        try await api { req, actor in
            let page = try Self.page(input.query.page)
            let (rows, hasMore, _) = try await ParticipantService(req, actor: actor).accessHistory(
                try Self.uuid(input.path.participantId, "participantId"), page: page)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            items: rows.map {
                                .init(
                                    at: $0.when, who: $0.who, role: $0.role, action: $0.action,
                                    outcome: .init(rawValue: $0.outcome) ?? .success)
                            }, page: page, hasMore: hasMore))))
        }
    }

    func openEngagement(_ input: Operations.openEngagement.Input) async throws -> Operations.openEngagement.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let participantID = try Self.uuid(input.path.participantId, "participantId")
            let opened = try await Idempotency(req: req, userID: actor.userID).run(
                key: input.headers.Idempotency_hyphen_Key, operation: "openEngagement:\(participantID)", body: body,
                create: {
                    try await EngagementService(req, actor: actor).open(for: participantID, try Self.terms(body)).id!
                },
                read: { id in
                    let detail = try await EngagementService(req, actor: actor).detail(id)
                    return Self.engagement(
                        detail.summary, participantName: detail.participant.preferredName, state: detail.agreement)
                })
            return .created(.init(body: .json(opened)))
        }
    }

    func listEngagements(_ input: Operations.listEngagements.Input) async throws -> Operations.listEngagements.Output {
        try await api { req, actor in
            var filter = EngagementService.CaseloadFilter()
            filter.status = input.query.status?.rawValue ?? "open"
            filter.serviceType = input.query.serviceType.flatMap { ServiceType(rawValue: $0.rawValue) }
            if let coach = input.query.coachId { filter.coachID = try Self.uuid(coach, "coachId") }
            filter.page = try Self.page(input.query.page)
            let caseload = try await EngagementService(req, actor: actor).caseload(filter)
            let (rows, hasMore) = (caseload.rows, caseload.hasMore)
            let models = try await EngagementService(req, actor: actor).scope.engagements()
                .filter(\.$id ~~ rows.map(\.engagementID)).all()
            let byID = Dictionary(uniqueKeysWithValues: models.map { ($0.id!, $0) })
            let items = try await Self.engagements(
                rows.compactMap { byID[$0.engagementID] }, req: req, actor: actor,
                names: Dictionary(rows.map { ($0.engagementID, $0.participantName) }, uniquingKeysWith: { a, _ in a }))
            return .ok(.init(body: .json(.init(items: items, page: filter.page, hasMore: hasMore))))
        }
    }

    func getEngagement(_ input: Operations.getEngagement.Input) async throws -> Operations.getEngagement.Output {
        try await api { req, actor in
            let detail = try await EngagementService(req, actor: actor).detail(
                try Self.uuid(input.path.engagementId, "engagementId"))
            return .ok(
                .init(
                    body: .json(
                        Self.engagement(
                            detail.summary, participantName: detail.participant.preferredName, state: detail.agreement))
                ))
        }
    }

    func changeEngagementStatus(_ input: Operations.changeEngagementStatus.Input) async throws
        -> Operations.changeEngagementStatus.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let engagement = try await EngagementService(req, actor: actor).changeStatus(
                try Self.uuid(input.path.engagementId, "engagementId"), to: body.status.rawValue,
                reason: body.closeReason?.rawValue ?? "")
            return .ok(.init(body: .json(try await Self.engagements([engagement], req: req, actor: actor)[0])))
        }
    }

    func assignCoaches(_ input: Operations.assignCoaches.Input) async throws -> Operations.assignCoaches.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let summary = try await EngagementService(req, actor: actor).reassign(
                try Self.uuid(input.path.engagementId, "engagementId"), primary: body.primaryCoachId,
                others: body.otherCoachIds ?? [])
            return .ok(.init(body: .json(try await Self.engagements([summary.engagement], req: req, actor: actor)[0])))
        }
    }

    func getAgreement(_ input: Operations.getAgreement.Input) async throws -> Operations.getAgreement.Output {
        try await api { req, actor in
            let (engagement, _, state) = try await AgreementService(req, actor: actor).document(
                try Self.uuid(input.path.engagementId, "engagementId"))
            return .ok(.init(body: .json(Self.agreement(engagement, state))))
        }
    }

    func signAgreement(_ input: Operations.signAgreement.Input) async throws -> Operations.signAgreement.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.engagementId, "engagementId")
            let signed = try await Idempotency(req: req, userID: actor.userID).run(
                key: input.headers.Idempotency_hyphen_Key, operation: "signAgreement:\(id)", body: body,
                create: {
                    try await AgreementService(req, actor: actor).sign(
                        id, as: AgreementService.Signing(rawValue: body.signer.rawValue) ?? .coach,
                        typedName: body.typedName, version: body.version)
                    return id
                },
                read: { engagementID in
                    let (engagement, _, state) = try await AgreementService(req, actor: actor).document(engagementID)
                    return Self.agreement(engagement, state)
                })
            return .created(.init(body: .json(signed)))
        }
    }
}

// MARK: - Shared pieces

extension APIHandler {
    static let unsupported = APIProblem(status: .unsupportedMediaType, reason: "Send application/json.")

    /// Runs an operation for the bearer token's user in their organization, turning service
    /// refusals into problem documents with English field messages.
    func api<Output>(_ body: (Request, Actor) async throws -> Output) async throws -> Output {
        let req = try APIRequestContext.request()
        let actor = try await req.apiActor()
        do {
            return try await body(req, actor)
        } catch let error as ServiceError {
            throw Self.problem(error, req: req)
        }
    }

    static func problem(_ error: ServiceError, req: Request) -> APIProblem {
        let english = req.tandem.messages[.en]?.messages ?? [:]
        switch error {
        case .notFound: return APIProblem(status: .notFound, reason: "No such record.")
        case .denied: return APIProblem(status: .forbidden, reason: "You may not do this with this record.")
        case .invalid(let problems):
            return APIProblem(
                status: .unprocessableEntity, reason: "Some fields are not valid.",
                fields: problems.map { .init(field: camelCase($0.field), message: english[$0.key] ?? $0.key) })
        case .conflict(let key):
            return APIProblem(status: .conflict, reason: english[key] ?? key)
        }
    }

    static func camelCase(_ field: String) -> String {
        let parts = field.split(separator: "_")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }

    /// A page number from the query: 1 when left out, 400 outside 1…10000.
    static func page(_ value: Int?) throws -> Int {
        guard let value else { return 1 }
        guard (1...10_000).contains(value) else {
            throw APIProblem(
                status: .badRequest, reason: "page is from 1 to 10000.",
                fields: [.init(field: "page", message: "Use a page from 1 to 10000.")])
        }
        return value
    }

    static func uuid(_ text: String, _ field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw APIProblem(
                status: .badRequest, reason: "\(field) is not a UUID.",
                fields: [.init(field: field, message: "Give a UUID.")])
        }
        return id
    }

    static func profile(_ api: Schemas.ParticipantProfile) -> ParticipantProfile {
        ParticipantProfile(
            preferredName: api.preferredName, legalName: api.legalName ?? "", pronouns: api.pronouns ?? "",
            dateOfBirth: api.dateOfBirth ?? "", phone: api.phone ?? "", email: api.email ?? "",
            language: api.language?.rawValue ?? "en", contactMethods: api.contactMethods?.map(\.rawValue) ?? [],
            safeContactTimes: api.safeContactTimes ?? "", pathways: api.pathways?.map(\.rawValue) ?? [],
            pathwayOther: api.pathwayOther ?? "", recoveryStartDate: api.recoveryStartDate ?? "",
            strengths: api.strengths ?? "", emergencyContactName: api.emergencyContactName ?? "",
            emergencyContactRelationship: api.emergencyContactRelationship ?? "",
            emergencyContactPhone: api.emergencyContactPhone ?? "", timeZone: api.timeZone ?? "")
    }

    static func apiProfile(_ profile: ParticipantProfile) -> Schemas.ParticipantProfile {
        .init(
            preferredName: profile.preferredName, legalName: profile.legalName, pronouns: profile.pronouns,
            dateOfBirth: profile.dateOfBirth, phone: profile.phone, email: profile.email,
            language: .init(rawValue: profile.language),
            contactMethods: profile.contactMethods.compactMap(Schemas.ContactMethod.init(rawValue:)),
            safeContactTimes: profile.safeContactTimes,
            pathways: profile.pathways.compactMap(Schemas.RecoveryPathway.init(rawValue:)),
            pathwayOther: profile.pathwayOther, recoveryStartDate: profile.recoveryStartDate,
            strengths: profile.strengths, emergencyContactName: profile.emergencyContactName,
            emergencyContactRelationship: profile.emergencyContactRelationship,
            emergencyContactPhone: profile.emergencyContactPhone, timeZone: profile.timeZone)
    }

    static func terms(_ api: Schemas.EngagementInput) throws -> EngagementService.Terms {
        if let coach = api.primaryCoachId { _ = try uuid(coach, "primaryCoachId") }
        return EngagementService.Terms(
            serviceType: api.serviceType.rawValue, referralSource: api.referralSource.rawValue,
            funding: api.funding.rawValue, startDate: api.startDate ?? "", status: api.status?.rawValue ?? "active",
            primaryCoachID: api.primaryCoachId ?? "")
    }

    /// A participant as the API shows it; reading it is audited unless the caller just wrote it.
    static func participant(_ id: UUID, req: Request, actor: Actor, audited: Bool = true) async throws
        -> Schemas.Participant
    {
        let service = ParticipantService(req, actor: actor)
        let participant: Participant
        let summaries: [EngagementService.Summary]
        let relation: ParticipantRelation
        if audited {
            let record = try await service.record(id)
            (participant, summaries, relation) = (record.participant, record.engagements, record.relation)
        } else {
            (participant, relation) = try await service.authorized(id, .view)
            summaries = try await EngagementService(req, actor: actor).summaries(of: participant)
        }
        let states = try await AgreementService(req, actor: actor).states(of: summaries.map(\.engagement))
        var profile = apiProfile(participant.profile)
        // The recovery start date is the person's own, shared with their coaches only.
        if !ParticipantAccess.can(actor.role, .viewRecoveryDate, relation) { profile.recoveryStartDate = nil }
        return .init(
            id: id.uuidString, profile: profile, hasSignIn: participant.$user.id != nil,
            engagements: summaries.map {
                engagement($0, participantName: participant.preferredName, state: states[$0.engagement.id!]!)
            })
    }

    static func engagements(
        _ engagements: [Engagement], req: Request, actor: Actor, names: [UUID: String] = [:]
    ) async throws -> [Schemas.Engagement] {
        let summaries = try await EngagementService(req, actor: actor).summaries(engagements)
        let states = try await AgreementService(req, actor: actor).states(of: engagements)
        return summaries.map {
            engagement($0, participantName: names[$0.engagement.id!], state: states[$0.engagement.id!]!)
        }
    }

    static func engagement(
        _ summary: EngagementService.Summary, participantName: String?, state: AgreementService.State
    ) -> Schemas.Engagement {
        let engagement = summary.engagement
        return .init(
            id: engagement.id!.uuidString, participantId: engagement.$participant.id.uuidString,
            participantName: participantName, serviceType: .init(rawValue: engagement.serviceType.rawValue)!,
            status: .init(rawValue: engagement.status.rawValue)!,
            closeReason: engagement.closeReason.flatMap { .init(rawValue: $0.rawValue) },
            referralSource: .init(rawValue: engagement.referralSource.rawValue)!,
            funding: .init(rawValue: engagement.funding.rawValue)!, startDate: engagement.startDate,
            endDate: engagement.endDate,
            coaches: summary.coaches.map { .init(id: $0.id.uuidString, name: $0.name, primary: $0.isPrimary) },
            agreement: .init(
                version: state.current.version, complete: state.complete, signatures: state.signatures.map(signature)),
            attention: AttentionSignal.signals(
                status: engagement.status, lastContact: engagement.lastContactAt, now: Date()
            )
            .map { String($0.rawValue.dropFirst("attention_".count)) })
    }

    static func signature(_ view: AgreementService.SignatureView) -> Schemas.Signature {
        .init(
            signer: view.signer == .participant ? .participant : .coach, typedName: view.name, signedAt: view.signedAt,
            version: view.version, inPerson: view.inPerson)
    }

    static func agreement(_ engagement: Engagement, _ state: AgreementService.State) -> Schemas.Agreement {
        .init(
            engagementId: engagement.id!.uuidString, version: state.current.version, text: state.current.text,
            complete: state.complete, signatures: state.signatures.map(signature))
    }
}

extension Request {
    /// The bearer token's user acting in the token's organization.
    func apiActor() async throws -> Actor {
        let account = try await bearerAccount()
        guard let membership = account.membership else {
            throw APIProblem(status: .forbidden, reason: "This account belongs to no organization.")
        }
        return Actor(user: account.user, organization: membership.organization, role: membership.role)
    }
}
