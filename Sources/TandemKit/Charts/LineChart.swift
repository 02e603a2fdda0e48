/// A line chart drawn as SVG on the server, so it shows without scripts and prints. Each
/// series has its own colour and marker shape (told apart without colour); a reference line
/// may be drawn dashed with its label. The chart is an image with a title and description;
/// pages put the numbers in a table beside it for anyone who cannot see it.
public struct LineChart: Sendable {
    public enum Marker: Sendable { case circle, square, triangle }

    public struct Series: Sendable {
        public let name: String
        public let color: String
        public let marker: Marker
        /// x in any unit (day numbers, say), y in the chart's y range.
        public let points: [(x: Double, y: Double)]

        public init(name: String, color: String, marker: Marker, points: [(x: Double, y: Double)]) {
            self.name = name
            self.color = color
            self.marker = marker
            self.points = points
        }
    }

    public let id: String
    public let title: String
    public let summary: String
    public let series: [Series]
    public let xRange: ClosedRange<Double>
    public let yRange: ClosedRange<Double>
    public let yTicks: [Double]
    /// Labels under the x axis at given x values (e.g. the first and last dates).
    public let xLabels: [(x: Double, label: String)]
    public let reference: (y: Double, label: String)?

    public init(
        id: String, title: String, summary: String, series: [Series], xRange: ClosedRange<Double>,
        yRange: ClosedRange<Double>, yTicks: [Double], xLabels: [(x: Double, label: String)],
        reference: (y: Double, label: String)? = nil
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
        self.yTicks = yTicks
        self.xLabels = xLabels
        self.reference = reference
    }

    static let width = 640.0
    static let height = 260.0
    static let left = 44.0
    static let right = 16.0
    static let top = 16.0
    static let bottom = 40.0

    func px(_ x: Double) -> Double {
        let span = xRange.upperBound - xRange.lowerBound
        let fraction = span == 0 ? 0.5 : (x - xRange.lowerBound) / span
        return Self.left + fraction * (Self.width - Self.left - Self.right)
    }

    func py(_ y: Double) -> Double {
        let span = yRange.upperBound - yRange.lowerBound
        let fraction = span == 0 ? 0.5 : (y - yRange.lowerBound) / span
        return Self.height - Self.bottom - fraction * (Self.height - Self.top - Self.bottom)
    }

    public func svg() -> String {
        var out = """
            <svg class="chart" id="\(Self.escape(id))" viewBox="0 0 \(Self.number(Self.width)) \(Self.number(Self.height))" \
            width="100%" role="img" aria-labelledby="\(Self.escape(id))-title \(Self.escape(id))-desc" \
            xmlns="http://www.w3.org/2000/svg">
            <title id="\(Self.escape(id))-title">\(Self.escape(title))</title>
            <desc id="\(Self.escape(id))-desc">\(Self.escape(summary))</desc>

            """
        for tick in yTicks {
            let y = Self.number(py(tick))
            out +=
                "<line class=\"grid\" x1=\"\(Self.number(Self.left))\" x2=\"\(Self.number(Self.width - Self.right))\" "
            out += "y1=\"\(y)\" y2=\"\(y)\" stroke=\"#d8d4cc\" stroke-width=\"1\"/>\n"
            out +=
                "<text x=\"\(Self.number(Self.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\" "
            out += "font-size=\"12\" fill=\"#4a4a4a\">\(Self.number(tick))</text>\n"
        }
        for label in xLabels {
            let anchor = px(label.x) < Self.width / 3 ? "start" : px(label.x) > Self.width * 2 / 3 ? "end" : "middle"
            out += "<text x=\"\(Self.number(px(label.x)))\" y=\"\(Self.number(Self.height - 14))\" "
            out += "text-anchor=\"\(anchor)\" font-size=\"12\" fill=\"#4a4a4a\">\(Self.escape(label.label))</text>\n"
        }
        if let reference {
            let y = Self.number(py(reference.y))
            out +=
                "<line class=\"reference\" x1=\"\(Self.number(Self.left))\" x2=\"\(Self.number(Self.width - Self.right))\" "
            out += "y1=\"\(y)\" y2=\"\(y)\" stroke=\"#4a4a4a\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
            out += "<text x=\"\(Self.number(Self.width - Self.right))\" y=\"\(Self.number(py(reference.y) - 6))\" "
            out += "text-anchor=\"end\" font-size=\"12\" fill=\"#4a4a4a\">\(Self.escape(reference.label))</text>\n"
        }
        for series in series {
            let color = Self.escape(series.color)
            if series.points.count > 1 {
                let points = series.points.map { "\(Self.number(px($0.x))),\(Self.number(py($0.y)))" }
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" "
                out += "points=\"\(points.joined(separator: " "))\"/>\n"
            }
            for point in series.points {
                out += marker(series.marker, x: px(point.x), y: py(point.y), color: color)
            }
        }
        out += "</svg>"
        return out
    }

    private func marker(_ marker: Marker, x: Double, y: Double, color: String) -> String {
        switch marker {
        case .circle:
            return "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"4.5\" fill=\"\(color)\"/>\n"
        case .square:
            return
                "<rect x=\"\(Self.number(x - 4))\" y=\"\(Self.number(y - 4))\" width=\"8\" height=\"8\" fill=\"\(color)\"/>\n"
        case .triangle:
            let points =
                "\(Self.number(x)),\(Self.number(y - 5.5)) \(Self.number(x - 5)),\(Self.number(y + 4)) "
                + "\(Self.number(x + 5)),\(Self.number(y + 4))"
            return "<polygon points=\"\(points)\" fill=\"\(color)\"/>\n"
        }
    }

    /// One decimal at most, no trailing zero: compact and identical on every platform.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = tenths / 10
        let fraction = abs(tenths % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
