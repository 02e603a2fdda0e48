import Foundation
import Prometheus
import Vapor

/// Request counts by route and status and a latency histogram, in Prometheus text format.
final class HTTPMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    func record(method: String, route: String, status: UInt, seconds: Double) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(name: "tandem_http_requests_total", labels: labels).increment()
        registry.makeDurationHistogram(
            name: "tandem_http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.buckets.map { Duration.milliseconds(Int64($0 * 1000)) }
        ).recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    func text() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Times every request and records it under its route pattern (never the raw path, which
/// could hold identifiers).
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: HTTPMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            record(request, status: (error as? any AbortError)?.status.code ?? 500, start: start)
            throw error
        }
        record(request, status: response.status.code, start: start)
        if let id = request.logger[metadataKey: "request-id"] {
            response.headers.replaceOrAdd(name: "X-Request-Id", value: id.description)
        }
        return response
    }

    private func record(_ request: Request, status: UInt, start: ContinuousClock.Instant) {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        // The route pattern, never the path: paths can carry one-time tokens.
        request.logger.info(
            "\(request.method.rawValue) \(route) \(status)",
            metadata: ["duration_ms": .string(String(format: "%.1f", seconds * 1000))])
    }
}
