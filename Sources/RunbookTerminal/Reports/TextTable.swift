/// Left-aligned columns separated by two spaces, for the CLI's tables.
public struct TextTable: Sendable {
    /// Column titles.
    public var header: [String]
    /// Cells, row by row.
    public var rows: [[String]]

    /// A table with a header row.
    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table, one line per row, trailing spaces trimmed.
    public func render() -> String {
        let all = [header] + rows
        // Unicode scalars approximate display width well enough for ids, hosts and times, and
        // cost far less than grapheme counting on a 25,000-row status.
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.unicodeScalars.count)
            }
        }
        return all.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1, i < widths.count {
                    line += String(repeating: " ", count: widths[i] - cell.unicodeScalars.count + 2)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
