import Testing

@testable import TandemKit

@Suite("Which addresses a feed may be fetched from")
struct NetworkReachTests {
    @Test(
        "IPv4",
        arguments: [
            ([8, 8, 8, 8], true), ([93, 184, 216, 34], true), ([100, 63, 1, 1], true), ([172, 32, 0, 1], true),
            ([127, 0, 0, 1], false), ([10, 1, 2, 3], false), ([172, 16, 0, 1], false), ([172, 31, 255, 255], false),
            ([192, 168, 1, 1], false), ([169, 254, 169, 254], false), ([0, 0, 0, 0], false), ([100, 64, 0, 1], false),
            ([224, 0, 0, 1], false), ([255, 255, 255, 255], false), ([198, 18, 0, 1], false),
            ([192, 0, 0, 170], false), ([192, 0, 2, 1], false),
        ] as [([UInt8], Bool)])
    func v4(bytes: [UInt8], expected: Bool) {
        #expect(NetworkReach.isPublic(bytes) == expected)
    }

    static func v6(_ groups: [UInt16]) -> [UInt8] { groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }

    @Test("IPv6")
    func v6() {
        #expect(NetworkReach.isPublic(Self.v6([0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111])))
        #expect(!NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0, 0, 0, 1])))  // ::1
        #expect(!NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0, 0, 0, 0])))  // ::
        #expect(!NetworkReach.isPublic(Self.v6([0xFD12, 0x3456, 0, 0, 0, 0, 0, 1])))  // unique local
        #expect(!NetworkReach.isPublic(Self.v6([0xFE80, 0, 0, 0, 0, 0, 0, 1])))  // link-local
        #expect(!NetworkReach.isPublic(Self.v6([0xFF02, 0, 0, 0, 0, 0, 0, 1])))  // multicast
        #expect(!NetworkReach.isPublic(Self.v6([0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1])))  // documentation
        // IPv4 inside IPv6 is judged as IPv4.
        #expect(!NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0, 0xFFFF, 0x7F00, 0x0001])))  // ::ffff:127.0.0.1
        #expect(!NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0, 0xFFFF, 0xA9FE, 0xA9FE])))  // ::ffff:169.254.169.254
        #expect(NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0, 0xFFFF, 0x0808, 0x0808])))  // ::ffff:8.8.8.8
        #expect(!NetworkReach.isPublic(Self.v6([0x2002, 0x0A00, 0x0001, 0, 0, 0, 0, 1])))  // 6to4 of 10.0.0.1
        #expect(!NetworkReach.isPublic(Self.v6([0x0064, 0xFF9B, 0, 0, 0, 0, 0x0A00, 0x0001])))  // NAT64 of 10.0.0.1
        #expect(NetworkReach.isPublic(Self.v6([0x0064, 0xFF9B, 0, 0, 0, 0, 0x0808, 0x0808])))  // NAT64 of 8.8.8.8
        #expect(!NetworkReach.isPublic(Self.v6([0, 0, 0, 0, 0xFFFF, 0, 0x7F00, 0x0001])))  // ::ffff:0:127.0.0.1
        #expect(!NetworkReach.isPublic(Self.v6([0x2001, 0, 0x4136, 0xE378, 0x8000, 0x63BF, 0x3FFF, 0xFDD2])))  // Teredo
        #expect(!NetworkReach.isPublic(Self.v6([0xFEC0, 0, 0, 0, 0, 0, 0, 1])))  // site-local
    }

    @Test("anything but 4 or 16 bytes is refused")
    func lengths() {
        #expect(
            !NetworkReach.isPublic([]) && !NetworkReach.isPublic([8, 8, 8])
                && !NetworkReach.isPublic([UInt8](repeating: 8, count: 6)))
    }
}
