/// The difference between two lists of lines, by their longest common subsequence: what a
/// later version kept, added and removed. The lines both share at the start and the end are
/// set aside first; the quadratic table is built only for what lies between, and refused
/// (nil) when that would be larger than `limit` cells, so no plan can make a comparison cost
/// more than a few megabytes.
public enum LineDiff {
    public static let limit = 250_000

    public enum Change: Equatable, Sendable {
        case same(String)
        case added(String)
        case removed(String)
    }

    public static func changes(from old: [String], to new: [String]) -> [Change]? {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let oldMiddle = Array(old[prefix..<(old.count - suffix)])
        let newMiddle = Array(new[prefix..<(new.count - suffix)])
        guard (oldMiddle.count + 1) * (newMiddle.count + 1) <= limit else { return nil }
        return old[..<prefix].map(Change.same) + middle(from: oldMiddle, to: newMiddle)
            + old[(old.count - suffix)...].map(Change.same)
    }

    static func middle(from old: [String], to new: [String]) -> [Change] {
        let n = old.count
        let m = new.count
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [Change] = []
        var i = 0
        var j = 0
        while i < n && j < m {
            if old[i] == new[j] {
                result.append(.same(old[i]))
                i += 1
                j += 1
            } else if table[i + 1][j] >= table[i][j + 1] {
                result.append(.removed(old[i]))
                i += 1
            } else {
                result.append(.added(new[j]))
                j += 1
            }
        }
        result += old[i...].map(Change.removed) + new[j...].map(Change.added)
        return result
    }
}
