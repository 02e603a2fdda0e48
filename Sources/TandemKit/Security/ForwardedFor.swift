import Foundation

/// The client's address for a request that may have come through load balancers or reverse
/// proxies. Only proxies named as trusted are believed: from the right of `X-Forwarded-For`
/// (each proxy appends the address it received the request from) the first address that is
/// not a trusted proxy is the client. A request from anyone else is answered by its peer's
/// address, whatever header it sends, so a client cannot choose the address it is counted as.
public enum ForwardedFor {
    public static func client(peer: String?, header: [String], trusted: Set<String>) -> String? {
        guard let peer, trusted.contains(peer) else { return peer }
        let hops = header.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var nearest = peer
        for hop in hops.reversed() {
            // Something that is not an address ends the chain: what lies left of it is unknown.
            guard isAddress(hop) else { return nearest }
            guard trusted.contains(hop) else { return hop }
            nearest = hop
        }
        return nearest
    }

    /// IPv4 or IPv6 characters only, as long as an address can be.
    static func isAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45
            && text.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 58) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) || $0 == 46
            }
            && (text.contains(".") || text.contains(":"))
    }
}
