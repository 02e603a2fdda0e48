import Fluent
import Foundation
import TandemKit
import Testing
import VaporTesting

@testable import TandemApp

/// Every role follows the links its pages show: none of them may lead to a page that refuses
/// that role, is not found, or fails. A link is a promise that the page is there for you.
@Suite("Links each role is shown")
struct LinkCrawlTests {
    /// The site's own links in a page (`href="/…"`), without fragments.
    static func links(in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "href=\"/") {
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            var link = "/" + after[..<end]
            if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
            found.append(link.replacingOccurrences(of: "&amp;", with: "&"))
            rest = after[end...]
        }
        return found
    }

    /// Follows links breadth first from the home page, up to `most` pages; returns each link
    /// that answered with a refusal, "not found" or a failure, with the page that showed it.
    static func crawl(_ browser: TestBrowser, most: Int = 150) async throws -> [String] {
        var seen: Set<String> = ["/"]
        var queue: [(path: String, from: String)] = [("/", "")]
        var broken: [String] = []
        var visited = 0
        while !queue.isEmpty, visited < most {
            let (path, from) = queue.removeFirst()
            visited += 1
            let response = try await browser.get(path)
            if [.forbidden, .notFound].contains(response.status) || response.status.code >= 500 {
                broken.append("\(path) (\(response.status.code), linked from \(from))")
                continue
            }
            guard response.headers.contentType?.subType == "html" else { continue }
            for link in links(in: response.body.string) where !seen.contains(link) {
                // Leaving is not a page; static files are not pages either.
                if link.hasPrefix("/signout") || link.hasPrefix("/static/") || link.hasPrefix("/css/")
                    || link.hasPrefix("/js/")
                {
                    continue
                }
                seen.insert(link)
                queue.append((link, path))
            }
        }
        return broken
    }

    @Test("no role is shown a link to a page that refuses it")
    func everyRole() async throws {
        try await withTandem { app in
            let w = try await ConsentPageTests.world(app)
            let supervisor = try await app.addMember(
                .supervisor, to: w.admin.organization, email: "supervisor@example.org")
            // A family member coached in a family engagement of their own: a record, a home page.
            let linda = try await app.addMember(.family, to: w.admin.organization, email: "linda@example.org")
            _ = try await app.makeParticipant(
                "Linda", in: w.admin.organization, coach: w.coach.user, service: .familyRecoveryCoaching,
                user: linda.user)
            for (role, account) in [
                ("admin", w.admin), ("supervisor", supervisor), ("coach", w.coach), ("participant", w.rosaAccount),
                ("family with a record", linda), ("family", w.mother), ("partner", w.partner),
            ] {
                let browser = try await TestBrowser.signedIn(app, account)
                let broken = try await Self.crawl(browser)
                #expect(broken.isEmpty, "\(role): \(broken.joined(separator: "; "))")
            }
        }
    }
}
