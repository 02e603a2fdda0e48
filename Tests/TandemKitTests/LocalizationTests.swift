import Foundation
import Testing

@testable import TandemKit

@Suite("Localization")
struct LocalizationTests {
    static func table(_ language: String) throws -> [String: String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Resources/Localization/\(language).json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    @Test("English and Spanish have exactly the same keys, none empty")
    func sameKeys() throws {
        let en = try Self.table("en")
        let es = try Self.table("es")
        #expect(Set(en.keys).subtracting(es.keys).sorted() == [])
        #expect(Set(es.keys).subtracting(en.keys).sorted() == [])
        #expect(en.filter { $0.value.isEmpty }.keys.sorted() == [])
        #expect(es.filter { $0.value.isEmpty }.keys.sorted() == [])
    }

    @Test("every audit action part named in code has its words in both languages")
    func auditActionNames() throws {
        for language in ["en", "es"] {
            let table = try Self.table(language)
            let keys =
                AuditActionName.subjects.map { "audit_subject_" + $0 }
                + AuditActionName.verbs.map { "audit_verb_" + $0 }
            #expect(keys.filter { table[$0] == nil }.sorted() == [], "\(language)")
        }
        #expect(AuditActionName.keys("participant.view")! == ("audit_subject_participant", "audit_verb_view"))
        #expect(AuditActionName.keys("signin")! == ("audit_subject_signin", ""))
        for unnamed in ["participant.", "participant.teleport", "starship.view", "", ".view"] {
            #expect(AuditActionName.keys(unnamed) == nil, "\(unnamed)")
        }
    }

    @Test("no key is written twice (a decoder keeps one of the two silently)")
    func noDuplicateKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for language in ["en", "es"] {
            let text = try String(
                contentsOf: root.appendingPathComponent("Resources/Localization/\(language).json"), encoding: .utf8)
            // One entry a line: `  "key": "text",`.
            let keys = text.split(separator: "\n").compactMap { line -> Substring? in
                let trimmed = line.drop(while: { $0 == " " })
                guard trimmed.first == "\"", let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
                return trimmed[trimmed.index(after: trimmed.startIndex)..<end]
            }
            let repeated = Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            #expect(repeated == [], "\(language).json")
            #expect(keys.count == (try Self.table(language)).count, "\(language).json")
        }
    }

    @Test("placeholders match between the languages")
    func placeholders() throws {
        let en = try Self.table("en")
        let es = try Self.table("es")
        let pattern = try Regex("\\{[a-z_]+\\}")
        for (key, english) in en {
            let a = english.matches(of: pattern).map { String(english[$0.range]) }.sorted()
            let spanish = es[key] ?? ""
            let b = spanish.matches(of: pattern).map { String(spanish[$0.range]) }.sorted()
            #expect(a == b, "\(key)")
        }
    }

    @Test("placeholders are filled and a missing key shows itself")
    func lookup() {
        let table = MessageTable(messages: ["wait": "Wait {minutes} minutes"])
        #expect(table.text("wait", ["minutes": "4"]) == "Wait 4 minutes")
        #expect(table.text("nope") == "nope")
        let many = MessageTable(messages: ["m": "{a} and {b}, {unknown} {a}{", "plain": "no braces"])
        #expect(many.text("m", ["a": "1", "b": "2"]) == "1 and 2, {unknown} 1{")
        #expect(many.text("plain", ["a": "1"]) == "no braces")
    }

    @Test(
        "Accept-Language negotiation",
        arguments: [
            ("es-MX,es;q=0.9,en;q=0.8", Language.es), ("en-US,en;q=0.9", .en), ("fr-FR, es;q=0.5", .es),
            ("de, fr", nil), ("en;q=0.2, es;q=0.8", .es),
        ] as [(String, Language?)])
    func negotiation(header: String, expected: Language?) {
        #expect(Language.preferred(fromAcceptLanguage: header) == expected)
    }
}

@Suite("Audit chain")
struct AuditChainTests {
    @Test("each hash depends on the previous hash and on every field")
    func chain() {
        let first = AuditChain.hash(previous: AuditChain.genesis, fields: ["1", "signin"])
        #expect(first.count == 64)
        #expect(
            AuditChain.hash(previous: first, fields: ["2", "x"])
                != AuditChain.hash(previous: AuditChain.genesis, fields: ["2", "x"]))
        #expect(
            AuditChain.hash(previous: first, fields: ["ab", "c"])
                != AuditChain.hash(previous: first, fields: ["a", "bc"]))
    }

    @Test("secure tokens are random, URL-safe and hashed to hex")
    func tokens() {
        let a = SecureToken.generate()
        #expect(a != SecureToken.generate())
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(SecureToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("recovery codes: ten, distinct, normalised for comparison")
    func recoveryCodes() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && $0.contains("-") })
        #expect(RecoveryCodes.normalize(" ABCDE-fghjk ") == "abcdefghjk")
    }
}
