import Vapor

/// A feature's service acting for one person on participants' records: it reaches them
/// through `people`, which checks the access policy, scopes to the organization and audits.
protocol ParticipantScopedService {
    var req: Request { get }
    var people: ParticipantService { get }
    init(req: Request, people: ParticipantService)
}

extension ParticipantScopedService {
    init(_ req: Request, actor: Actor) {
        self.init(req: req, people: ParticipantService(req, actor: actor))
    }

    var actor: Actor { people.actor }
    var scope: TenantScope { people.scope }
}
