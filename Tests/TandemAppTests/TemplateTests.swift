import Foundation
import Testing

/// Checks over the templates themselves, so a typo in a message key or Leaf syntax shows up
/// before a person opens the page.
@Suite("Templates")
struct TemplateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func templates() throws -> [(String, String)] {
        let views = root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        return try files.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    @Test("every #t key exists in both message files, and none is followed by a colon")
    func messageKeys() throws {
        var keys: [String: Set<String>] = [:]
        for language in ["en", "es"] {
            let data = try Data(contentsOf: Self.root.appendingPathComponent("Resources/Localization/\(language).json"))
            keys[language] = Set(try JSONDecoder().decode([String: String].self, from: data).keys)
        }
        let pattern = try NSRegularExpression(pattern: #"#t\("([a-z0-9_]+)"\)(:?)"#)
        var used = 0
        for (name, text) in try Self.templates() {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                used += 1
                #expect(keys["en"]!.contains(key), "\(name): \(key) is not in en.json")
                #expect(keys["es"]!.contains(key), "\(name): \(key) is not in es.json")
                // Leaf reads "#tag(...):" as the start of a body.
                #expect(match.range(at: 2).length == 0, "\(name): #t(\"\(key)\") is followed by a colon")
            }
            #expect(!text.contains("#(t."), "\(name) still reads messages as #(t.key)")
        }
        #expect(used > 300)
    }
}
