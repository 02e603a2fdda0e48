import Foundation

/// The phrases that raise a crisis alert when a person writes them in a check-in or a
/// message, in English and Spanish. Kept here, in one file, so the list can be read and
/// changed in one place. The list is conservative: whole phrases that say the person may be
/// in danger now, not single words that appear in ordinary talk ("suicide prevention class",
/// "I'm dying to see you", "this job is killing me"). A phrase marked `negatable` does not
/// count when the person says the opposite right before it ("I don't want to die").
///
/// Nothing here judges anything: a match shows the person a caring crisis card and tells
/// their coach and a supervisor, who decide what to do.
public enum CrisisPhrases {
    public struct Phrase: Sendable, Equatable {
        public let words: String
        public let negatable: Bool

        init(_ words: String, negatable: Bool = false) {
            self.words = words
            self.negatable = negatable
        }
    }

    public static let english: [Phrase] = [
        Phrase("kill myself"), Phrase("killing myself"), Phrase("end my life"), Phrase("ending my life"),
        Phrase("take my own life"), Phrase("taking my own life"),
        Phrase("want to die", negatable: true), Phrase("wanna die", negatable: true),
        Phrase("wish i was dead"), Phrase("wish i were dead"), Phrase("better off dead"),
        Phrase("better off without me"), Phrase("no reason to live"), Phrase("nothing to live for"),
        Phrase("dont want to live"), Phrase("do not want to live"),
        Phrase("dont want to be alive"), Phrase("do not want to be alive"), Phrase("suicidal"),
        Phrase("commit suicide"), Phrase("committing suicide"), Phrase("thinking about suicide"),
        Phrase("hurt myself"), Phrase("hurting myself"), Phrase("harm myself"), Phrase("harming myself"),
        Phrase("cut myself"), Phrase("cutting myself"), Phrase("overdose on purpose"),
        Phrase("od on purpose"), Phrase("not be here anymore"), Phrase("dont want to be here anymore"),
        Phrase("say goodbye to everyone"), Phrase("cant go on like this"), Phrase("cant go on anymore"),
        Phrase("cannot go on like this"), Phrase("cannot go on anymore"), Phrase("can not go on anymore"),
    ]

    public static let spanish: [Phrase] = [
        Phrase("quiero matarme"), Phrase("voy a matarme"), Phrase("pienso en matarme"), Phrase("me quiero matar"),
        Phrase("me voy a matar"), Phrase("quitarme la vida"), Phrase("acabar con mi vida"),
        Phrase("terminar con mi vida"), Phrase("quiero morir", negatable: true),
        Phrase("quiero morirme", negatable: true),
        Phrase("me quiero morir", negatable: true), Phrase("no quiero vivir"), Phrase("no quiero seguir viviendo"),
        Phrase("suicidarme"), Phrase("suicida"), Phrase("pienso en el suicidio"),
        Phrase("hacerme dano", negatable: true), Phrase("quiero lastimarme"), Phrase("voy a lastimarme"),
        Phrase("quiero cortarme"), Phrase("estarian mejor sin mi"), Phrase("mejor muerto"),
        Phrase("mejor muerta"), Phrase("no tengo razon para vivir"), Phrase("no puedo mas con la vida"),
        Phrase("sobredosis a proposito"), Phrase("despedirme de todos"),
    ]

    /// Words that, right before a negatable phrase, turn it around.
    static let negations: Set<String> = [
        "dont", "do not", "never", "no longer", "no", "nunca", "ya no", "no me", "no quiero",
    ]

    static let all: [Phrase] = english + spanish

    /// Each phrase as the bytes looked for: the words with a space either side.
    static let needles: [[UInt8]] = all.map { Array((" " + $0.words + " ").utf8) }

    /// The phrases `text` contains, in list order (empty when none). Every check-in and
    /// message is checked, so the search runs over the bytes (Foundation's string search took
    /// a twentieth of a check-in's time).
    public static func matches(in text: String) -> [String] {
        let words = normalized(text)
        guard !words.isEmpty else { return [] }
        let padded = Array((" " + words.joined(separator: " ") + " ").utf8)
        var found: [String] = []
        for (phrase, needle) in zip(all, needles) {
            var from = 0
            while let at = firstIndex(of: needle, in: padded, from: from) {
                let before = String(decoding: padded[..<at], as: UTF8.self).split(separator: " ").suffix(2)
                    .map(String.init)
                let turned =
                    phrase.negatable
                    && (negations.contains(before.last ?? "") || negations.contains(before.joined(separator: " ")))
                if !turned {
                    found.append(phrase.words)
                    break
                }
                from = at + needle.count
            }
        }
        return found
    }

    /// Where `needle` first starts in `bytes` at or after `from`.
    static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, bytes.count - needle.count >= from else { return nil }
        var start = from
        while start <= bytes.count - needle.count {
            if bytes[start] == first, bytes[start..<start + needle.count].elementsEqual(needle) { return start }
            start += 1
        }
        return nil
    }

    public static func isConcerning(_ text: String) -> Bool { !matches(in: text).isEmpty }

    /// Lower case, without accents or apostrophes, words of letters and digits only:
    /// "Don’t" and "dont", "daño" and "dano" read the same. Punctuation between words stays
    /// as "|", so a "no" before a comma does not turn the next sentence around.
    static func normalized(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if scalar == "'" || scalar == "\u{2019}" || scalar == "`" { continue }
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
                continue
            }
            if !current.isEmpty {
                words.append(current)
                current = ""
            }
            if ".,;:!?¡¿".unicodeScalars.contains(scalar), let last = words.last, last != "|" {
                words.append("|")
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
