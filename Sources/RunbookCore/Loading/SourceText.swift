import RunbookYAML

/// The raw bytes of a runbook with a line table, to find where each `${{` really is inside a
/// quoted or block scalar (whose decoded text has lost escapes and indentation).
struct SourceText: Sendable {
    private let bytes: [UInt8]
    /// Byte offset of the start of each line (index 0 is line 1).
    private let lineStarts: [Int]
    /// Byte offsets of the lead bytes of multi-byte scalars, in order (few in a runbook): with
    /// them a column becomes a byte offset without walking the line, so 20,000 expressions on
    /// one line stay linear.
    private let wideScalars: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var wide: [Int] = []
        // Line breaks as libyaml counts them (so positions agree with its marks): LF, CR, CRLF
        // as one, and NEL (C2 85), LS (E2 80 A8), PS (E2 80 A9).
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                starts.append(i + 1)
            } else if b == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            } else if b >= 0xC0 {
                wide.append(i)
                if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                    starts.append(i + 2)
                } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                    starts.append(i + 3)
                }
            }
            i += 1
        }
        lineStarts = starts
        wideScalars = wide
    }

    /// Where each `${{` between `start` and `end` is, in order.
    func openings(from start: SourceLocation, to end: SourceLocation) -> [SourceLocation] {
        guard let from = offset(of: start), let to = offset(of: end), from < to else { return [] }
        var found: [SourceLocation] = []
        var line = start.line
        var column = start.column
        var i = from
        while i < to {
            let b = bytes[i]
            if b == 0x24, i + 2 < bytes.count, bytes[i + 1] == 0x7B, bytes[i + 2] == 0x7B {
                found.append(SourceLocation(fileID: start.fileID, line: line, column: column))
            }
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return found
    }

    /// Where `needle` first occurs after `start` and before the next `}}` (the end of the
    /// expression that starts there), so a diagnostic can point at a reference inside it.
    /// The search stops at `end` (the end of the scalar) and matches whole names only.
    func find(_ needle: String, inExpressionAt start: SourceLocation, end: SourceLocation?) -> SourceLocation? {
        guard let from = offset(of: start), let to = end.flatMap(offset(of:)) ?? Optional(bytes.count) else { return nil }
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return nil }
        var line = start.line
        var column = start.column
        var i = from
        while i + n.count <= to {
            if bytes[i] == UInt8(ascii: "}"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "}") { return nil }
            if bytes[i] == n[0], bytes[i..<(i + n.count)].elementsEqual(n), !Self.continuesName(bytes, at: i + n.count) {
                return SourceLocation(fileID: start.fileID, line: line, column: column)
            }
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return nil
    }

    private static func continuesName(_ bytes: [UInt8], at i: Int) -> Bool {
        guard i < bytes.count else { return false }
        let c = bytes[i]
        return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    /// The byte offset of a 1-based line and column (columns count Unicode scalars, as libyaml does).
    private func offset(of location: SourceLocation) -> Int? {
        guard location.line >= 1, location.line <= lineStarts.count else {
            return location.line == lineStarts.count + 1 ? bytes.count : nil
        }
        let start = lineStarts[location.line - 1]
        var target = start + max(0, location.column - 1)
        // Each multi-byte scalar before the target moves it right by its extra bytes.
        var low = 0, high = wideScalars.count
        while low < high {
            let mid = (low + high) / 2
            if wideScalars[mid] < start { low = mid + 1 } else { high = mid }
        }
        var k = low
        while k < wideScalars.count, wideScalars[k] < target {
            let lead = bytes[wideScalars[k]]
            target += lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1
            k += 1
        }
        let i = min(target, bytes.count)
        return i
    }
}
