/// The Brief Assessment of Recovery Capital (BARC-10): Vilsaint, Kelly, Bergman, Groshkova,
/// Best & White, Drug and Alcohol Dependence 177 (2017) 71–76; free to use (PhenX). Ten
/// statements, each answered from 1 (strongly disagree) to 6 (strongly agree); the total of
/// all ten, 10 to 60, is the score. A form with any answer missing is a draft, never scored.
public enum BARC10 {
    public static let itemCount = 10
    public static let answerRange = 1...6
    public static let totalRange = 10...60
    /// The paper's cut-off for sustained remission: a total at or above it is "at or above the
    /// level seen in sustained remission". A reference, never a diagnosis or a pass mark.
    public static let referenceTotal = 47

    /// Message keys of the statements, in order (`barc_item_1` … `barc_item_10`).
    public static let itemKeys = (1...itemCount).map { "barc_item_\($0)" }
    /// Message keys of the six answers (`barc_answer_1` … `barc_answer_6`).
    public static let answerKeys = answerRange.map { "barc_answer_\($0)" }

    /// What a set of answers amounts to.
    public enum Outcome: Equatable, Sendable {
        /// All ten answered: the total.
        case scored(Int)
        /// Some answered, none out of range: kept as a draft.
        case draft(answered: Int)
        /// Answers at fault, by item number (1-based), or a wrong number of items.
        case invalid([Int])
    }

    /// Scores answers given item by item (nil for unanswered). Exactly ten entries.
    public static func outcome(_ answers: [Int?]) -> Outcome {
        guard answers.count == itemCount else { return .invalid([]) }
        let wrong = answers.enumerated().compactMap { index, answer in
            answer.map { answerRange.contains($0) ? nil : index + 1 } ?? nil
        }
        if !wrong.isEmpty { return .invalid(wrong) }
        let given = answers.compactMap { $0 }
        return given.count == itemCount ? .scored(given.reduce(0, +)) : .draft(answered: given.count)
    }

    public static func isAtOrAboveReference(_ total: Int) -> Bool { total >= referenceTotal }

    /// Answers stored as text: ten comma-separated numbers, empty for unanswered ("6,5,,4,…").
    public static func encode(_ answers: [Int?]) -> String {
        answers.map { $0.map(String.init) ?? "" }.joined(separator: ",")
    }

    public static func decode(_ text: String) -> [Int?] {
        var answers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        answers = Array(answers.prefix(itemCount))
        while answers.count < itemCount { answers.append(nil) }
        return answers
    }
}

/// Which way recovery capital moved between the last two scored assessments.
public enum Trend: String, Sendable, Equatable {
    case up, down, flat

    /// Nil until there are two totals; any change counts (the BARC-10 has no published
    /// smallest meaningful change, so the caseload shows the direction and the chart the rest).
    public static func of(previous: Int?, latest: Int?) -> Trend? {
        guard let previous, let latest else { return nil }
        return latest > previous ? .up : latest < previous ? .down : .flat
    }
}

/// When the next BARC-10 is due: the organization's interval after the last scored one,
/// or now when there is none.
public enum Reassessment {
    public static let defaultIntervalDays = 90
    public static let intervalRange = 7...365

    public static func due(lastScored: CalendarDate?, intervalDays: Int, today: CalendarDate) -> CalendarDate {
        guard let lastScored, let due = lastScored.adding(days: intervalDays) else { return today }
        return due
    }

    public static func isDue(lastScored: CalendarDate?, intervalDays: Int, today: CalendarDate) -> Bool {
        due(lastScored: lastScored, intervalDays: intervalDays, today: today) <= today
    }
}
