import Foundation

/// Reads and writes a UUID as 36 characters (8-4-4-4-12 hexadecimal digits). Foundation on
/// Linux goes through `sscanf` and `snprintf` for these, a visible part of a caseload page,
/// which reads a hundred ids stored as text and writes them into links.
public enum UUIDText {
    private static let digits = Array("0123456789ABCDEF".utf8)

    /// The same text as `uuidString`: upper case, with dashes.
    public static func string(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(36)
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    public static func parse(_ text: String) -> UUID? {
        guard text.utf8.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in
            var high: UInt8?
            var written = 0
            for (index, character) in text.utf8.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let digit = value(of: character) else { return false }
                if let first = high {
                    bytes[written] = first << 4 | digit
                    written += 1
                    high = nil
                } else {
                    high = digit
                }
            }
            return written == 16
        }
        return valid ? UUID(uuid: uuid) : nil
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
