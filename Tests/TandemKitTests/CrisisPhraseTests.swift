import Testing

@testable import TandemKit

@Suite("Crisis phrases")
struct CrisisPhraseTests {
    /// Said in a check-in or a message: each of these raises the alert.
    static let concerning = [
        "I want to kill myself", "Honestly I've been thinking about ending my life", "I just want to die",
        "i wanna die tonight", "Everyone would be better off without me", "I have no reason to live anymore",
        "I DON'T WANT TO LIVE", "Don’t want to be alive", "feeling suicidal again", "I might hurt myself",
        "thinking of cutting myself", "going to OD on purpose", "I can't go on like this",
        "Quiero morir", "me quiero matar", "Pienso en quitarme la vida", "no quiero vivir así",
        "tengo ganas de hacerme daño", "Estarían mejor sin mí", "voy a suicidarme", "Me siento suicida",
        "I'm fine. But sometimes I wish I was dead.", "I don't want to be here anymore", "No, quiero morir",
        "voy a matarme", "I can't go on like this anymore", "tengo ganas de hacerme daño",
    ]

    /// Ordinary talk, and saying the opposite: none of these raises it.
    static let ordinary = [
        "Went to a suicide prevention class with my sister", "I'm dying to see the game", "This job is killing me",
        "I killed it at the interview", "I don't want to die, I want to live", "I do not want to die",
        "never want to die like my uncle did", "No quiero morir", "ya no quiero morir, quiero vivir",
        "Matar el tiempo leyendo", "I cut my hair myself", "Ran 5k, felt alive", "dead tired after work",
        "I could die laughing", "Overdose awareness day at the center", "Me muero de risa", "",
        "Took my son to the doctor for his life insurance physical", "I want to take my life back",
        "I can't go on the trip this weekend", "Voy a cortarme el pelo", "Mi mamá va a matarme si llego tarde",
        "no me quiero morir", "No quiero hacerme daño",
    ]

    @Test("raises the alert for each concerning phrase", arguments: concerning)
    func raises(text: String) {
        #expect(CrisisPhrases.isConcerning(text), "\(text)")
    }

    @Test("stays quiet for ordinary talk and for the opposite", arguments: ordinary)
    func quiet(text: String) {
        #expect(!CrisisPhrases.isConcerning(text), "\(text): \(CrisisPhrases.matches(in: text))")
    }

    @Test("names the phrases found, once each")
    func names() {
        #expect(CrisisPhrases.matches(in: "I want to die. I want to die. Suicidal.") == ["want to die", "suicidal"])
        #expect(CrisisPhrases.normalized("No, quiero morir.") == ["no", "|", "quiero", "morir", "|"])
    }

    @Test("every phrase of the list is written as the matcher reads text")
    func listIsNormalized() {
        for phrase in CrisisPhrases.english + CrisisPhrases.spanish {
            #expect(CrisisPhrases.normalized(phrase.words).joined(separator: " ") == phrase.words, "\(phrase.words)")
        }
    }
}
