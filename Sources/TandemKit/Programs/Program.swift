import Foundation

/// An online program an organization publishes: free, or with a price shown (the payment
/// is recorded by an admin, or the place is sponsored; no card is taken here).
public struct ProgramDraft: Sendable, Equatable {
    public var title: String
    public var summary: String
    public var description: String
    public var terms: String
    /// As typed: "0", "49", "49.50"; empty for free.
    public var price: String
    public var published: Bool

    public init(
        title: String = "", summary: String = "", description: String = "", terms: String = "", price: String = "",
        published: Bool = false
    ) {
        self.title = title
        self.summary = summary
        self.description = description
        self.terms = terms
        self.price = price
        self.published = published
    }

    public static let limits = ["title": 120, "summary": 300, "description": 5000, "terms": 10000]

    public func normalized() -> ProgramDraft {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        return ProgramDraft(
            title: trim(title), summary: trim(summary), description: trim(description), terms: trim(terms),
            price: trim(price), published: published)
    }

    /// The price in cents; nil when it is not a sum of money.
    public var priceCents: Int? { Money.cents(price) }

    public func problems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if let key = FieldRules.name(title, maximum: Self.limits["title"]!) { found.append(("title", key)) }
        for (field, value) in [("summary", summary), ("description", description), ("terms", terms)] {
            if value.count > Self.limits[field]! {
                found.append((field, "error_text_too_long"))
            } else if value.unicodeScalars.contains(where: FieldRules.unwantedInText) {
                found.append((field, "error_text_invalid"))
            }
        }
        // The person accepts the terms when they enroll, so there must be some.
        if terms.isEmpty { found.append(("terms", "error_program_terms")) }
        if priceCents == nil { found.append(("price", "error_program_price")) }
        return found
    }
}

/// Where a person's payment for a program stands.
public enum ProgramPayment: String, Sendable, CaseIterable, Codable {
    /// A free program: nothing to pay.
    case free
    /// Fee-based and not yet recorded; the person takes part all the same.
    case due
    case paid
    /// Paid by a sponsor (a grant, a scholarship, a treatment center).
    case sponsored
}

/// The terms a new program starts from until its admin writes their own.
public enum ProgramDefaults {
    public static let terms = """
        This program offers recovery coaching support. It is not treatment, therapy or medical care, and \
        coaches do not diagnose.

        What you write is yours: you decide who else may see it, and you can download it or ask to correct \
        it at any time.

        If you are in crisis, call or text 988, or your local emergency number.
        """
}
