/// The one line a command redraws to show how far a long job has come:
/// `[##########--------------------]  33% 1000/3000 check-ins`.
public enum ProgressBar {
    public static func line(done: Int, total: Int, label: String = "", width: Int = 30) -> String {
        let fraction = total <= 0 ? 1 : Double(min(max(done, 0), total)) / Double(total)
        let filled = Int(fraction * Double(width))
        let percent = String(Int(fraction * 100))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(repeating: " ", count: 3 - percent.count) + percent + "% \(done)/\(total)"
            + (label.isEmpty ? "" : " " + label)
    }
}
