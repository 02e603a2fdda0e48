import Foundation
import TandemKit
import Testing

@Suite("Hexadecimal")
struct HexTests {
    @Test("bytes become two lower-case digits each")
    func encode() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SecureToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite("UUID text")
struct UUIDTextTests {
    @Test("reads what Foundation reads, in either case, and writes what it writes")
    func parse() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
            #expect(UUIDText.string(id) == id.uuidString)
        }
        #expect(
            UUIDText.parse("00000000-0000-0000-0000-000000000000")
                == UUID(uuidString: "00000000-0000-0000-0000-000000000000"))
    }

    @Test(
        "refuses anything else",
        arguments: [
            "", "not a uuid", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5F0",
            "E621E1F8C36C-495A-93FC-0C247A3E6E5F0", "E621E1F8-C36C-495A-93FC-0C247A3E6E5G", "{E621E1F8-C36C-495A-93FC}",
            "E621E1F8-C36C-495A-93FC-0C247A3E6E5é",
        ])
    func refuses(text: String) {
        #expect(UUIDText.parse(text) == nil)
        #expect(UUID(uuidString: text) == nil)
    }
}
