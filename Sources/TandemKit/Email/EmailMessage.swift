import Foundation

/// A plain-text e-mail as RFC 5322 and RFC 2045 write it: UTF-8 text sent quoted-printable,
/// a subject with anything beyond ASCII as an RFC 2047 encoded word, CRLF line ends. Header
/// values never carry a line break, so nothing typed can add a header.
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// `<id@domain>`: stable for one outbox row, so a receiver can tell a repeat.
    public var messageID: String

    public init(from: String, to: String, subject: String, body: String, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
    }

    /// The whole message as sent after DATA, without the final dot (see `dotStuffed`).
    public func rendered(date: Date) -> String {
        var out = ""
        func header(_ name: String, _ value: String) { out += name + ": " + value + "\r\n" }
        header("From", Self.oneLine(from))
        header("To", Self.oneLine(to))
        // Folded by the encoding itself, after any line break in the text is gone.
        header("Subject", Self.encodedWord(Self.oneLine(subject)))
        header("Date", Self.rfc5322Date(date))
        header("Message-ID", messageID)
        header("MIME-Version", "1.0")
        header("Content-Type", "text/plain; charset=utf-8")
        header("Content-Transfer-Encoding", "quoted-printable")
        header("Auto-Submitted", "auto-generated")
        out += "\r\n"
        out += Self.quotedPrintable(body)
        out += "\r\n"
        return out
    }

    /// The text without carriage returns or line feeds (as scalars: Swift counts "\r\n" as one
    /// character, equal to neither), so a header value cannot start a header of its own.
    public static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
        return String(out)
    }

    /// A line of the body starting with a dot gets a second one (RFC 5321 §4.5.2), so it
    /// cannot end the DATA early.
    public static func dotStuffed(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    /// An address as Tandem accepts one for sending: one `local@domain`, printable ASCII, no
    /// spaces, angle brackets or line breaks.
    public static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
        }
    }

    /// ASCII text as it is; anything else as `=?utf-8?B?…?=` words short enough for a header.
    public static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7): lines kept at most 76 characters with soft breaks,
    /// `=` and bytes outside printable ASCII as `=XX`, spaces before a line end encoded.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let hex = Array("0123456789ABCDEF")
        var lines: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var out = ""
            var length = 0
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let plain =
                    (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                let piece =
                    plain
                    ? String(UnicodeScalar(byte)) : "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
                if length + piece.count > 75 {
                    out += "=\r\n"
                    length = 0
                }
                out += piece
                length += piece.count
            }
            lines.append(out)
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Sun, 29 Nov 2026 15:30:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return days[(parts.weekday ?? 1) - 1] + ", " + String(parts.day ?? 1) + " " + months[(parts.month ?? 1) - 1]
            + " " + String(parts.year ?? 1970) + " " + (parts.hour ?? 0).zeroPadded(2) + ":"
            + (parts.minute ?? 0).zeroPadded(2) + ":" + (parts.second ?? 0).zeroPadded(2) + " +0000"
    }
}

/// When the outbox tries a message again: after 1, 2, 4, … minutes (at most 6 hours apart),
/// and it gives up after `maxAttempts`.
public enum OutboxRetry {
    public static let maxAttempts = 10

    /// The wait after the `attempts`-th failed attempt, with `base` the first wait.
    public static func delay(afterAttempt attempts: Int, base: TimeInterval = 60) -> TimeInterval {
        let exponent = min(max(attempts - 1, 0), 20)
        return min(base * pow(2, Double(exponent)), 6 * 3600)
    }
}
