/// A length of time written as `500ms`, `90s`, `10m`, `2h` or a combination such as `1m30s`.
public struct TimeSpan: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Milliseconds; integral so durations compare and print exactly.
    public var milliseconds: Int

    public init(milliseconds: Int) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int) -> TimeSpan { TimeSpan(milliseconds: s * 1000) }

    /// Seconds as a floating-point number.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// A Swift `Duration` for sleeping and timeouts.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// Parses `500ms`, `90s`, `10m`, `2h`, `1h30m`; nil for anything else (a bare number has no unit and is refused).
    public init?(parsing text: String) {
        var total = 0
        var digits = ""
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while let c = rest.first {
            if c.isASCII, c.isNumber {
                digits.append(c)
                rest = rest.dropFirst()
                continue
            }
            guard let n = Int(digits) else { return nil }
            let unit: Int
            if rest.hasPrefix("ms") { unit = 1; rest = rest.dropFirst(2) }
            else if c == "s" { unit = 1000; rest = rest.dropFirst() }
            else if c == "m" { unit = 60_000; rest = rest.dropFirst() }
            else if c == "h" { unit = 3_600_000; rest = rest.dropFirst() }
            else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            total = sum
            digits = ""
        }
        guard digits.isEmpty else { return nil }
        milliseconds = total
    }

    /// The shortest exact spelling: `10m`, `1m30s`, `250ms`.
    public var description: String {
        var ms = milliseconds
        if ms == 0 { return "0s" }
        var out = ""
        for (unit, name) in [(3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] where ms >= unit {
            out += "\(ms / unit)\(name)"
            ms %= unit
        }
        return out
    }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds < b.milliseconds }
}
