import Foundation

/// Sums of money as people type them, kept in whole cents (US dollars): program prices,
/// escort fees and expenses.
public enum Money {
    public static let most = 100_000_00

    /// "49", "49.5", "49.50", "1,250.00" (a thousands comma) or empty (free); nil otherwise.
    /// A comma is only ever a thousands comma, between groups of three digits: "49,50" (a
    /// decimal comma, as written in much of the Spanish-speaking world) is refused, not read
    /// as 4,950 dollars.
    public static func cents(_ text: String) -> Int? {
        let typed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "$", with: "")
        let whole = typed.prefix { $0 != "." }
        if whole.contains(",") {
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
        }
        let value = typed.replacingOccurrences(of: ",", with: "")
        if value.isEmpty { return 0 }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        // At most seven whole digits, so nothing typed can overflow on the way to cents.
        guard parts.count <= 2, (1...7).contains(parts[0].count), parts[0].allSatisfy(\.isNumber),
            let whole = Int(parts[0])
        else {
            return nil
        }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isNumber), let number = Int(digits) else {
                return nil
            }
            fraction = digits.count == 1 ? number * 10 : number
        }
        let cents = whole * 100 + fraction
        return cents <= most ? cents : nil
    }

    /// "49.50" for 4950: for forms.
    public static func text(_ cents: Int) -> String {
        cents == 0 ? "" : "\(cents / 100)." + (cents % 100).zeroPadded(2)
    }
}
