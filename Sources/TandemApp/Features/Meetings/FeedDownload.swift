import AsyncHTTPClient
import Foundation
import NIOCore
import TandemKit
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Fetching a Meeting Guide feed by its address. The operator's command line may fetch from
/// anywhere; what an organization's admin types (and the scheduled refresh of it) is fetched
/// over https from public addresses only, each redirect checked again, unless the operator
/// allows private networks (`TANDEM_FEEDS_FROM_PRIVATE_NETWORKS=1`, for an intranet's feed).
/// The host's addresses are checked before the request; a name that changes its answer between
/// the check and the connection is not caught (the address is not pinned).
enum FeedDownload {
    enum Reach: Sendable {
        case anywhere
        case publicOnly
    }

    static let maxRedirects = 5

    static func reach(_ app: Application) -> Reach {
        app.tandemSettings.feedsFromPrivateNetworks ? .anywhere : .publicOnly
    }

    static func fetch(_ address: String, reach: Reach, app: Application) async throws -> Data {
        var current = address
        for _ in 0...maxRedirects {
            guard let url = URL(string: current), let scheme = url.scheme?.lowercased(),
                let host = url.host, !host.isEmpty, scheme == "https" || scheme == "http"
            else { throw CommandFailure("\(current) is not a web address.") }
            if reach == .publicOnly {
                guard scheme == "https" else {
                    throw CommandFailure("\(current) is not an https:// address; feeds are fetched over https only.")
                }
                try await checkPublic(host, app: app)
            }
            var request = HTTPClientRequest(url: current)
            request.headers.add(name: "Accept", value: "application/json")
            let response: HTTPClientResponse
            do {
                response = try await app.http.client.shared.execute(request, timeout: .seconds(30))
            } catch {
                throw CommandFailure("Could not fetch \(current): \(String(describing: type(of: error))).")
            }
            if [301, 302, 303, 307, 308].contains(response.status.code) {
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: url)?.absoluteString
                else { throw CommandFailure("\(current) answered \(response.status.code) without a new address.") }
                current = next
                continue
            }
            guard response.status == .ok else { throw CommandFailure("\(current) answered \(response.status.code).") }
            do {
                return Data(try await response.body.collect(upTo: MeetingImport.maxBytes).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw CommandFailure("\(current) sent a feed larger than 20 MB.")
            } catch {
                throw CommandFailure("Could not read \(current): \(String(describing: type(of: error))).")
            }
        }
        throw CommandFailure("\(address) sent on to other addresses more than \(maxRedirects) times.")
    }

    /// Refuses a host whose name finds any address that is not public (see `NetworkReach`).
    static func checkPublic(_ host: String, app: Application) async throws {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = try await app.threadPool.runIfActive { try Self.resolve(name) }
        guard !addresses.isEmpty else { throw CommandFailure("\(host) was not found.") }
        guard addresses.allSatisfy(NetworkReach.isPublic) else {
            throw CommandFailure(
                "\(host) is on a private network or this server itself; feeds are fetched from public addresses only.")
        }
    }

    /// The host's IPv4 and IPv6 addresses as bytes (the system's resolver; blocking).
    static func resolve(_ host: String) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
            throw CommandFailure("\(host) was not found.")
        }
        defer { freeaddrinfo(first) }
        var found: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            if let address = info.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        found.append(withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        found.append(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) })
                    }
                default:
                    break
                }
            }
            entry = info.pointee.ai_next
        }
        return found
    }
}
