import Vapor

/// Adds the security headers every response carries (ASVS V3.4) and forbids caching of
/// anything but the static assets, so personal data never sits in a shared cache.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let https: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    static let staticPrefixes = ["/css/", "/js/", "/img/", "/favicon"]

    /// Pages reached by a one-time link (`/invite/…`, `/reset/…`, `/setup/…`, `/join/…`).
    static func carriesToken(_ path: String) -> Bool {
        ["/invite/", "/reset/", "/setup/", "/join/"].contains { path.hasPrefix($0) }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // Same-origin: no other site learns which of our pages a link was followed from, and a
        // form sent from a page that has since changed (409) can still offer the way back to it.
        // A page whose address holds a one-time token sends no referrer at all, so the token is
        // not repeated in the requests it makes.
        response.headers.replaceOrAdd(
            name: "Referrer-Policy", value: Self.carriesToken(request.url.path) ? "no-referrer" : "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()")
        response.headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        if https {
            response.headers.replaceOrAdd(
                name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        let path = request.url.path
        if !Self.staticPrefixes.contains(where: { path.hasPrefix($0) }) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
