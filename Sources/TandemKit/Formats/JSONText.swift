import Foundation

/// Writes what `JSONSerialization` reads back as JSON text, with object keys sorted and each
/// number exactly as it was: Foundation's writer rounds some doubles (a longitude read as
/// -75.07801979999998 comes out as …99), which would move a meeting a little on every pass.
public enum JSONText {
    public static func encode(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: Any, into out: inout String) {
        switch value {
        case let string as String:
            writeString(string, into: &out)
        case let decimal as NSDecimalNumber:
            // Long numbers are read as decimals: their text is the number exactly as it came.
            out += decimal.stringValue
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": out += number.boolValue ? "true" : "false"
            case "d", "f": out += double(number.doubleValue)
            default: out += String(number.int64Value)
            }
        case let bool as Bool:
            out += bool ? "true" : "false"
        case let int as Int:
            out += String(int)
        case let number as Double:
            out += double(number)
        case let array as [Any]:
            out += "["
            for (index, item) in array.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case let object as [String: Any]:
            out += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(object[key]!, into: &out)
            }
            out += "}"
        default:
            out += "null"
        }
    }

    /// The shortest text that reads back as the same double; whole numbers without ".0".
    static func double(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func writeString(_ string: String, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
