import Foundation
import Vapor

/// Serves the files in `Public/`, asking the file system only for paths under its
/// top-level entries (`/css/…`): every page would otherwise cost a `stat` call first.
struct StaticFilesMiddleware: AsyncMiddleware {
    private let files: FileMiddleware
    private let prefixes: [String]

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? []
        prefixes = entries.map { entry in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: publicDirectory + entry, isDirectory: &isDirectory)
            return "/" + entry + (isDirectory.boolValue ? "/" : "")
        }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard prefixes.contains(where: { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }) else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
