/// The difference between two lists of lines, by their longest common subsequence: what a
/// later version kept, added and removed. Plans are short (hundreds of lines at most), so
/// the quadratic table is fine.
public enum LineDiff {
    public enum Change: Equatable, Sendable {
        case same(String)
        case added(String)
        case removed(String)
    }

    public static func changes(from old: [String], to new: [String]) -> [Change] {
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
