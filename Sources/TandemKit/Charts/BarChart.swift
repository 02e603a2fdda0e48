/// A horizontal bar chart drawn as SVG on the server: one labelled bar per row with its value
/// written at the end, so it reads without colour and prints. Pages put the same numbers in
/// a table beside it.
public struct BarChart: Sendable {
    public let id: String
    public let title: String
    public let summary: String
    public let bars: [(label: String, value: Double, text: String)]

    public init(id: String, title: String, summary: String, bars: [(label: String, value: Double, text: String)]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.bars = bars
    }

    static let width = 640.0
    static let barHeight = 26.0
    static let gap = 10.0
    static let labelWidth = 200.0
    static let valueWidth = 90.0

    public func svg() -> String {
        let height = Double(max(bars.count, 1)) * (Self.barHeight + Self.gap) + Self.gap
        let largest = bars.map(\.value).max() ?? 0
        let span = Self.width - Self.labelWidth - Self.valueWidth
        let id = LineChart.escape(self.id)
        var out = """
            <svg class="chart" id="\(id)" viewBox="0 0 \(LineChart.number(Self.width)) \(LineChart.number(height))" \
            width="100%" role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="\(id)-title">\(LineChart.escape(title))</title>
            <desc id="\(id)-desc">\(LineChart.escape(summary))</desc>

            """
        for (index, bar) in bars.enumerated() {
            let y = Self.gap + Double(index) * (Self.barHeight + Self.gap)
            let length = largest > 0 ? max(0, bar.value) / largest * span : 0
            let middle = LineChart.number(y + Self.barHeight / 2)
            out += "<text x=\"\(LineChart.number(Self.labelWidth - 8))\" y=\"\(middle)\" text-anchor=\"end\" "
            out +=
                "dominant-baseline=\"middle\" font-size=\"13\" fill=\"#2b2b2b\">\(LineChart.escape(bar.label))</text>\n"
            out += "<rect x=\"\(LineChart.number(Self.labelWidth))\" y=\"\(LineChart.number(y))\" "
            out +=
                "width=\"\(LineChart.number(length))\" height=\"\(LineChart.number(Self.barHeight))\" fill=\"#2f6f62\"/>\n"
            out += "<text x=\"\(LineChart.number(Self.labelWidth + length + 6))\" y=\"\(middle)\" "
            out +=
                "dominant-baseline=\"middle\" font-size=\"13\" fill=\"#2b2b2b\">\(LineChart.escape(bar.text))</text>\n"
        }
        out += "</svg>"
        return out
    }
}
