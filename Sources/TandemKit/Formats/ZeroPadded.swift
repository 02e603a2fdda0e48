extension Int {
    /// The number in decimal with zeros in front up to `width` digits ("7" → "07"), written
    /// by hand: `String(format:)` goes through Foundation's formatting machinery, and pages
    /// and feeds write hundreds of dates and times.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
