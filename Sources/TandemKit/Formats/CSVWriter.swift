/// CSV as RFC 4180 writes it: CRLF line ends, fields with a comma, quote or line break in
/// double quotes, quotes doubled. A text field a spreadsheet would run as a formula (one
/// starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so an
/// export opened in a spreadsheet shows what the person typed instead of running it.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func row(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
