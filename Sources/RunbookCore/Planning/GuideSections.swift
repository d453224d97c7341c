/// The guide sections runbooks name in `source` (the runbook's and every step's), for
/// `runbook list --sections`: which procedure encodes which section of the guide.
public enum GuideSections {
    /// Section numbers (`4.6.1`, `7.3.8.1`) in a `source` text; a number needs at least one dot,
    /// so the "2" of "Day 2 Operations Guide" and step counts are not sections.
    public static func numbers(in source: String) -> [String] {
        var found: [String] = []
        var current = ""
        func flush() {
            let trimmed = current.hasSuffix(".") ? String(current.dropLast()) : current
            if trimmed.contains("."), trimmed.first?.isNumber == true { found.append(trimmed) }
            current = ""
        }
        for ch in source {
            if ch.isASCII && (ch.isNumber || (ch == "." && !current.isEmpty)) { current.append(ch) } else { flush() }
        }
        flush()
        return found
    }

    /// Section → names of the runbooks naming it (sorted, each once).
    public static func index(_ runbooks: [Runbook]) -> [String: [String]] {
        var index: [String: Set<String>] = [:]
        for runbook in runbooks {
            let sources = [runbook.source] + runbook.steps.map(\.source)
            for section in sources.compactMap({ $0 }).flatMap(numbers(in:)) { index[section, default: []].insert(runbook.name) }
        }
        return index.mapValues { $0.sorted() }
    }

    /// Sections in the guide's order (`3.10` after `3.9`).
    public static func ordered(_ sections: some Sequence<String>) -> [String] {
        sections.sorted { a, b in
            let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
            return x.lexicographicallyPrecedes(y)
        }
    }

    /// `§ SECTION  runbook, runbook` per line, in the guide's order.
    public static func text(_ runbooks: [Runbook]) -> String {
        let index = index(runbooks)
        let width = index.keys.map(\.count).max() ?? 0
        return ordered(index.keys).map { section in
            "§ " + section.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (index[section] ?? []).joined(separator: ", ")
        }.joined(separator: "\n")
    }
}
