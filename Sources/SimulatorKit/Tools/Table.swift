import Foundation

/// kubectl's table layout (Go tabwriter: minimum width 10, padding 3, last column unpadded).
enum Table {
    static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                if i == row.count - 1 { line += cell } else { line += cell.padding(toLength: max(10, widths[i] + 3), withPad: " ", startingAt: 0) }
            }
            out += line + "\n"
        }
        return out
    }

    /// kubectl's short age: `45s`, `12m`, `5h`, `3d`.
    static func age(since date: Date, now: Date = Date()) -> String {
        let s = max(0, Int(now.timeIntervalSince(date)))
        if s < 120 { return "\(s)s" }
        if s < 3600 * 2 { return "\(s / 60)m" }
        if s < 86400 * 2 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
