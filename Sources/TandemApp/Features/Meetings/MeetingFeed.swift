import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TandemKit
import Vapor

/// The meetings an organization runs itself, published as a Meeting Guide feed: public, as
/// the Meeting Guide app and other finders read it without signing in. The feed is written
/// once per change of the meetings and kept in memory; each request costs one lookup of
/// the source's version, and a client holding the same version gets 304.
struct MeetingFeedController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("meetings.json", use: single)
        routes.get("organizations", ":organizationID", "meetings.json", use: organization)
    }

    /// `/meetings.json`: the feed of the one organization this server holds; with several,
    /// each has its own address.
    @Sendable func single(req: Request) async throws -> Response {
        let ids = try await Organization.query(on: req.db).limit(2).all(\.$id)
        guard ids.count == 1, let id = ids.first else {
            throw Abort(
                .notFound, reason: "This server holds several organizations: use /organizations/{id}/meetings.json")
        }
        return try await MeetingFeed.response(for: id, req: req)
    }

    @Sendable func organization(req: Request) async throws -> Response {
        let id = try req.id("organizationID")
        guard try await Organization.find(id, on: req.db) != nil else { throw Abort(.notFound) }
        return try await MeetingFeed.response(for: id, req: req)
    }
}

enum MeetingFeed {
    struct Entry: Sendable {
        let version: String
        let body: ByteBuffer
        let etag: String
    }

    private static let cache = NIOLockedValueBox<[UUID: Entry]>([:])

    static func response(for organizationID: UUID, req: Request) async throws -> Response {
        let entry = try await current(organizationID, on: req.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: entry.etag)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        if req.headers.first(name: .ifNoneMatch) == entry.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: entry.body))
    }

    /// The feed as it stands: from memory when the source has not changed since it was written.
    static func current(_ organizationID: UUID, on db: any Database) async throws -> Entry {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let row = try await sql.raw(
            """
            SELECT id, meeting_count, imported_at FROM meeting_sources \
            WHERE organization_id = \(bind: organizationID) AND kind = 'own'
            """
        ).first()
        let sourceID = try row.map { try $0.uuid("id") }
        let version =
            try row.map {
                let at = try $0.optional("imported_at", as: Date.self)?.timeIntervalSince1970 ?? 0
                return "\(try $0.uuid("id")):\(try $0.decode(column: "meeting_count", as: Int.self)):\(at)"
            } ?? "none"
        if let cached = cache.withLockedValue({ $0[organizationID] }), cached.version == version { return cached }
        var meetings: [Meeting] = []
        if let sourceID {
            meetings = try await sql.raw(
                """
                SELECT \(unsafeRaw: MeetingImport.readColumns) FROM meetings WHERE source_id = \(bind: sourceID) \
                ORDER BY name, slug
                """
            ).all().map(MeetingImport.meeting)
        }
        let data = MeetingGuideExport.feed(meetings)
        let entry = Entry(
            version: version, body: ByteBuffer(data: data),
            etag: "\"" + Hex.encode(SHA256.hash(data: data)).prefix(32) + "\"")
        cache.withLockedValue { $0[organizationID] = entry }
        return entry
    }
}
