import Fluent
import SQLKit
import TandemKit
import Vapor

/// Liveness, readiness and metrics for operators. No personal data here.
struct OperationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("readyz", use: ready)
        routes.get("metrics", use: metrics)
        routes.get("api", "openapi.json", use: openAPIDocument)
    }

    @Sendable func health(req: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "ok\n")
    }

    @Sendable func ready(req: Request) async throws -> Response {
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            try await sql.raw("SELECT 1").run()
            return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "ready\n")
        } catch {
            req.logger.warning("Readiness check failed: the database did not answer")
            return Response(
                status: .serviceUnavailable, headers: ["Content-Type": "text/plain; charset=utf-8"],
                body: "database unavailable\n")
        }
    }

    @Sendable func metrics(req: Request) async throws -> Response {
        if let expected = req.settings.metricsToken {
            guard let given = req.headers.bearerAuthorization?.token, constantTimeEquals(given, expected) else {
                throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
            }
        }
        return Response(
            status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(string: req.tandem.metrics.text()))
    }

    static let openAPIData: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }

    @Sendable func openAPIDocument(req: Request) async throws -> Response {
        guard let data = Self.openAPIData else { throw Abort(.notFound) }
        return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: data))
    }
}
