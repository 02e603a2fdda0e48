import Foundation
import OpenAPIRuntime
import TandemKit
import Vapor

/// Online programs in the API, over the same services as the pages. Enrolling with a new
/// sign-in happens on the program's public page; the API serves people already signed in.
extension APIHandler {
    func listPrograms(_ input: Operations.listPrograms.Input) async throws -> Operations.listPrograms.Output {
        try await api { req, _ in
            .ok(.init(body: .json(.init(items: try await ProgramService.published(on: req.db).map(Self.program)))))
        }
    }

    func createProgram(_ input: Operations.createProgram.Input) async throws -> Operations.createProgram.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let program = try await ProgramAdminService(req, actor: actor).save(nil, Self.draft(body))
            return .created(
                .init(body: .json(Self.program(.init(program: program, organizationName: actor.organization.name)))))
        }
    }

    func updateProgram(_ input: Operations.updateProgram.Input) async throws -> Operations.updateProgram.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let program = try await ProgramAdminService(req, actor: actor).save(
                try Self.uuid(input.path.programId, "programId"), Self.draft(body))
            return .ok(
                .init(body: .json(Self.program(.init(program: program, organizationName: actor.organization.name)))))
        }
    }

    func getProgram(_ input: Operations.getProgram.Input) async throws -> Operations.getProgram.Output {
        try await api { req, actor in
            let id = try Self.uuid(input.path.programId, "programId")
            if AccessPolicy.can(actor.role, .managePrograms),
                let own = try? await ProgramAdminService(req, actor: actor).program(id)
            {
                return .ok(
                    .init(body: .json(Self.program(.init(program: own, organizationName: actor.organization.name)))))
            }
            return .ok(.init(body: .json(Self.program(try await ProgramService.published(id, on: req.db)))))
        }
    }

    func listEnrollments(_ input: Operations.listEnrollments.Input) async throws -> Operations.listEnrollments.Output {
        try await api { req, actor in
            let rows = try await ProgramAdminService(req, actor: actor).enrollments(
                of: try Self.uuid(input.path.programId, "programId"))
            return .ok(.init(body: .json(.init(items: rows.map { Self.enrollment($0.enrollment, name: $0.name) }))))
        }
    }

    func enrollInProgram(_ input: Operations.enrollInProgram.Input) async throws -> Operations.enrollInProgram.Output {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.programId, "programId")
            let service = ProgramService(req: req)
            _ = try await service.enroll(id, actor: actor, acceptsTerms: body.acceptTerms)
            let start = try await service.start(id, actor: actor)
            return .created(.init(body: .json(Self.enrollment(start.enrollment, name: nil))))
        }
    }

    func requestProgramCoach(_ input: Operations.requestProgramCoach.Input) async throws
        -> Operations.requestProgramCoach.Output
    {
        try await api { req, actor in
            let id = try Self.uuid(input.path.programId, "programId")
            let service = ProgramService(req: req)
            try await service.requestCoach(id, actor: actor)
            return .ok(
                .init(body: .json(Self.enrollment(try await service.start(id, actor: actor).enrollment, name: nil))))
        }
    }

    func recordProgramPayment(_ input: Operations.recordProgramPayment.Input) async throws
        -> Operations.recordProgramPayment.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let enrollment = try await ProgramAdminService(req, actor: actor).recordPayment(
                try Self.uuid(input.path.enrollmentId, "enrollmentId"), as: body.payment.rawValue, note: body.note ?? ""
            )
            return .ok(.init(body: .json(Self.enrollment(enrollment, name: nil))))
        }
    }

    func assignProgramCoach(_ input: Operations.assignProgramCoach.Input) async throws
        -> Operations.assignProgramCoach.Output
    {
        guard case .json(let body) = input.body else { throw Self.unsupported }
        return try await api { req, actor in
            let id = try Self.uuid(input.path.enrollmentId, "enrollmentId")
            _ = try await ProgramAdminService(req, actor: actor).assignCoach(
                id, coachID: body.coachId, funding: body.funding.rawValue)
            guard let enrollment = try await ProgramEnrollment.find(id, on: req.db) else { throw ServiceError.notFound }
            return .ok(.init(body: .json(Self.enrollment(enrollment, name: nil))))
        }
    }

    static func draft(_ body: Schemas.ProgramInput) -> ProgramDraft {
        ProgramDraft(
            title: body.title, summary: body.summary ?? "", description: body.description ?? "", terms: body.terms,
            price: Money.text(body.priceCents ?? 0), published: body.published ?? false)
    }

    static func program(_ listed: ProgramService.Listed) -> Schemas.Program {
        .init(
            id: listed.program.id!.uuidString, organizationName: listed.organizationName, title: listed.program.title,
            summary: listed.program.summary, description: listed.program.description, terms: listed.program.terms,
            priceCents: listed.program.priceCents, published: listed.program.published)
    }

    static func enrollment(_ enrollment: ProgramEnrollment, name: String?) -> Schemas.Enrollment {
        .init(
            id: enrollment.id!.uuidString, programId: enrollment.programID.uuidString,
            participantId: enrollment.participantID.uuidString, participantName: name,
            termsAcceptedAt: enrollment.termsAcceptedAt, priceCents: enrollment.priceCents,
            payment: .init(rawValue: enrollment.payment.rawValue) ?? .free, paymentNote: enrollment.paymentNote,
            coachRequested: enrollment.coachRequestedAt != nil, coached: enrollment.engagementID != nil)
    }
}
