import Foundation

/// How an organization bills peer support: its unit rule, an optional daily cap, the modifier
/// for group sessions and the modifiers each payer asks for.
public struct BillingPolicy: Sendable, Equatable {
    public var rule: UnitRule
    public var dailyCap: Int?
    /// Added to the lines of group sessions (HQ, "group setting", unless the payer says other).
    public var groupModifier: String
    /// Each paying funding's own modifiers (e.g. HF, "substance abuse program"), in order.
    public var payerModifiers: [Funding: [String]]

    public static let defaultGroupModifier = "HQ"
    /// A claim line has room for four modifiers; the group one may need the last.
    public static let maxPayerModifiers = 3
    public static let dailyCapRange = 1...96

    public init(
        rule: UnitRule = .cms8, dailyCap: Int? = nil, groupModifier: String = Self.defaultGroupModifier,
        payerModifiers: [Funding: [String]] = [:]
    ) {
        self.rule = rule
        self.dailyCap = dailyCap
        self.groupModifier = groupModifier
        self.payerModifiers = payerModifiers
    }

    /// Fundings that are billed; free or volunteer support is counted, never billed.
    public static let billedFundings: [Funding] = [.medicaidInsurance, .grant, .privatePay]

    public static func isBilled(_ funding: Funding) -> Bool { funding != .volunteer }

    /// The modifiers of a line for `funding`, a group session adding the group modifier last.
    public func modifiers(funding: Funding, group: Bool) -> [String] {
        var list = payerModifiers[funding] ?? []
        if group && !groupModifier.isEmpty && !list.contains(groupModifier) { list.append(groupModifier) }
        return list
    }

    /// Modifiers typed as a list ("HF, U1" or "hf u1"): each two letters or digits, upper-cased,
    /// or nil when one is not a modifier. An empty text is an empty list.
    public static func parseModifiers(_ text: String) -> [String]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map { $0.uppercased() }
        for part in parts where part.count != 2 || !part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            return nil
        }
        var unique: [String] = []
        for part in parts where !unique.contains(part) { unique.append(part) }
        return unique
    }

    /// The message key for what is wrong with typed payer modifiers, or nil.
    public static func payerModifiersProblem(_ text: String) -> String? {
        guard let list = parseModifiers(text) else { return "error_billing_modifier" }
        return list.count > maxPayerModifiers ? "error_billing_modifier_count" : nil
    }

    /// The message key for what is wrong with the typed group modifier, or nil (empty: none).
    public static func groupModifierProblem(_ text: String) -> String? {
        guard let list = parseModifiers(text), list.count <= 1 else { return "error_billing_group_modifier" }
        return nil
    }

    /// A typed daily cap: nil and no problem when empty, else a whole number of units in range.
    public static func parseDailyCap(_ text: String) -> (cap: Int?, problem: String?) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return (nil, nil) }
        guard let cap = Int(trimmed), dailyCapRange.contains(cap) else { return (nil, "error_billing_daily_cap") }
        return (cap, nil)
    }

    /// A provider credential as typed (e.g. "CPRS", "PRSS, CRPA"): letters, digits, spaces and
    /// a few marks, at most 40 characters; nil when it is not one.
    public static func credential(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 40,
            trimmed.allSatisfy({ $0.isLetter || $0.isNumber || " ,.-/()&".contains($0) })
        else { return nil }
        return trimmed
    }
}
