/// Whether the server may fetch a feed from an address on an organization's behalf. An admin
/// of one hosted organization types the feed's address, so without this check the server
/// could be asked to read what only it can reach: itself (its metrics, its other services),
/// the private network around it, or a cloud's metadata service on a link-local address.
public enum NetworkReach {
    /// True for a public unicast address, given as its 4 (IPv4) or 16 (IPv6) bytes; false for
    /// anything else, and for every other length.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return isPublicV4(bytes[0], bytes[1])
        case 16: return isPublicV6(bytes)
        default: return false
        }
    }

    static func isPublicV4(_ a: UInt8, _ b: UInt8) -> Bool {
        switch a {
        case 0, 10, 127: false  // "this network", private, loopback
        case 100 where (64...127).contains(b): false  // shared address space (carrier NAT)
        case 169 where b == 254: false  // link-local, where clouds answer metadata requests
        case 172 where (16...31).contains(b): false  // private
        // Private; and 192.0.0.0/24 and 192.0.2.0/24 (all of 192.0/16, to be safe).
        case 192 where b == 168 || b == 0: false
        case 198 where b == 18 || b == 19: false  // benchmarking networks
        case 224...255: false  // multicast, reserved, broadcast
        default: true
        }
    }

    static func isPublicV6(_ bytes: [UInt8]) -> Bool {
        let first = bytes[0]
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        // An IPv4 address written as IPv6 (::ffff:a.b.c.d, or the older ::a.b.c.d) is judged
        // as the IPv4 address it names.
        if bytes[0..<10].allSatisfy({ $0 == 0 })
            && (bytes[10..<12].allSatisfy { $0 == 0xFF }
                || bytes[10..<12].allSatisfy { $0 == 0 })
        {
            return isPublicV4(bytes[12], bytes[13])
        }
        // ::ffff:0:a.b.c.d (SIIT) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48) reach an IPv4 address too.
        if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8] == 0xFF && bytes[9] == 0xFF
            && bytes[10] == 0 && bytes[11] == 0
        {
            return isPublicV4(bytes[12], bytes[13])
        }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B {
            return isPublicV4(bytes[12], bytes[13])
        }
        if first == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0 { return false }  // Teredo, 2001::/32
        if first & 0xFE == 0xFC { return false }  // unique local, fc00::/7
        if first == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // link-local, fe80::/10
        if first == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // the old site-local, fec0::/10
        if first == 0xFF { return false }  // multicast
        if first == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }  // documentation
        // 6to4 (2002::/16) carries an IPv4 address in its next bytes.
        if first == 0x20 && bytes[1] == 0x02 { return isPublicV4(bytes[2], bytes[3]) }
        return true
    }
}
