import Foundation
import Vapor

/// The FHIR download from the participant page. The API serves the same bundle.
struct ExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("participants", ":participantID", "fhir.json", use: fhir)
    }

    @Sendable func fhir(req: Request) async throws -> Response {
        let actor = try await req.signedIn().actor
        let data = try await ExportService(req, actor: actor).fhir(try req.id("participantID"))
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "fhir+json")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"recovery-record.json\"")
        return response
    }
}
