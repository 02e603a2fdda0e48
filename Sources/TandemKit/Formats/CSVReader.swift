/// Reads CSV as RFC 4180 writes it (and as spreadsheets save it): fields in double quotes may
/// hold commas, quotes (doubled) and line breaks; lines end in CRLF or LF; a UTF-8 byte order
/// mark is skipped. The apostrophe `CSVWriter` puts before a formula-like field is taken off
/// again, so an exported file reads back as it was.
public enum CSVReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// The 1-based line where the problem starts.
        public let line: Int
        public var description: String { "a quoted field that starts on line \(line) is never closed" }
    }

    /// The rows, each with the line it starts on; rows with nothing in them are left out.
    public static func rows(_ text: String) -> Result<[(line: Int, fields: [String])], Failure> {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var quoteLine = 1
        var afterQuote = false
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRow() {
            fields.append(unguarded(field))
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowLine, fields)) }
            fields = []
            field = ""
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            afterQuote = true
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
                quoteLine = line
            case ",":
                fields.append(unguarded(field))
                field = ""
                afterQuote = false
            case "\r":
                break
            case "\n":
                endRow()
                afterQuote = false
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { return .failure(Failure(line: quoteLine)) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return .success(rows)
    }

    /// A field `CSVWriter` guarded against formulas ("'=1+1") read back as it was typed.
    static func unguarded(_ field: String) -> String {
        guard field.hasPrefix("'"), let second = field.unicodeScalars.dropFirst().first,
            ["=", "+", "-", "@", "\t", "\r"].contains(second)
        else { return field }
        return String(field.dropFirst())
    }
}
