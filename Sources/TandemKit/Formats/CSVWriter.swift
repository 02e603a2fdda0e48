/// CSV as RFC 4180 writes it: CRLF line ends, fields with a comma, quote or line break in
/// double quotes, quotes doubled. A text field a spreadsheet would run as a formula (one
/// starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so an
/// export opened in a spreadsheet shows what the person typed instead of running it. A plain
/// number ("-3.5") is left as it is: a spreadsheet reads it as the number it is.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func row(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
            !isPlainNumber(value)
        {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// An optional minus, digits, and at most one point followed by digits.
    static func isPlainNumber(_ value: String) -> Bool {
        let body = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
