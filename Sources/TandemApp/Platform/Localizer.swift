import Foundation
import TandemKit
import Vapor

enum Localizer {
    static let cookieName = "tandem_lang"

    /// Reads `Resources/Localization/<lang>.json` for every language.
    static func load(from resourcesDirectory: String) throws -> [Language: MessageTable] {
        var tables: [Language: MessageTable] = [:]
        for language in Language.allCases {
            let path = resourcesDirectory + "Localization/\(language.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Abort(.internalServerError, reason: "Missing localization file \(path)")
            }
            tables[language] = try MessageTable(json: data)
        }
        return tables
    }
}

private struct LanguageKey: StorageKey {
    typealias Value = Language
}

private struct MessagesKey: StorageKey {
    typealias Value = MessageTable
}

extension Request {
    /// The language of this response: the person's choice (cookie, then account), else
    /// the browser's preference, else English.
    var language: Language {
        get {
            if let chosen = storage[LanguageKey.self] { return chosen }
            // Worked out once per request: a page asks for many messages.
            let found = preferredLanguage()
            storage[LanguageKey.self] = found
            return found
        }
        set {
            storage[LanguageKey.self] = newValue
            storage[MessagesKey.self] = nil
        }
    }

    private func preferredLanguage() -> Language {
        if let cookie = cookies[cookieName(Localizer.cookieName)]?.string, let lang = Language(rawValue: cookie) {
            return lang
        }
        if let header = headers.first(name: .acceptLanguage), let lang = Language.preferred(fromAcceptLanguage: header)
        {
            return lang
        }
        return .en
    }

    /// The messages of this response's language, looked up once per request: a page asks
    /// for hundreds, and reaching the application's storage takes a lock each time.
    var messages: MessageTable {
        if let known = storage[MessagesKey.self] { return known }
        let table = tandem.messages[language] ?? MessageTable(messages: [:])
        storage[MessagesKey.self] = table
        return table
    }

    func t(_ key: String, _ values: [String: String] = [:]) -> String {
        messages.text(key, values)
    }
}
