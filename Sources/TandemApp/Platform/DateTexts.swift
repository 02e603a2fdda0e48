import Foundation
import TandemKit

/// Date formatters are slow to make (each loads locale data), so pages with many dates
/// share one per language and zone. Formatting happens under the lock: Foundation on Linux
/// does not promise that one formatter may be used from several threads at once.
final class DateTexts: @unchecked Sendable {
    static let shared = DateTexts()

    private let lock = NSLock()
    private var formatters: [String: DateFormatter] = [:]

    /// A medium date with a short time, in `timeZone`, in the person's language.
    func short(_ date: Date, language: Language, timeZone: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = language.rawValue + "|" + timeZone
        let formatter: DateFormatter
        if let known = formatters[key] {
            formatter = known
        } else {
            formatter = DateFormatter.tandemShort(language, timeZone: timeZone)
            if formatters.count > 200 { formatters.removeAll() }
            formatters[key] = formatter
        }
        return formatter.string(from: date)
    }
}
