/// Renders diagnostics the way compilers do, with colour only when asked (the CLI asks on a terminal).
public struct DiagnosticRenderer: Sendable {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    /// `file:line:col: error: message` followed by `  hint: …` and note lines.
    public func render(_ d: Diagnostic) -> String {
        let place = d.location.map { bold("\($0): ") } ?? ""
        var out = "\(place)\(severityLabel(d.severity)): \(bold(d.message))"
        if let hint = d.hint { out += "\n  hint: \(hint)" }
        for note in d.notes {
            let notePlace = note.location.map { "\($0): " } ?? ""
            out += "\n\(notePlace)\(paint("note", code: "36")): \(note.message)"
        }
        return out
    }

    /// Most diagnostics `render(_:)` shows: past it, the rest are only counted, so 100,000
    /// broken steps give a screen, not 24 MB. `--output json` lists them all.
    public static let shownLimit = 20

    /// The first `shownLimit` diagnostics, sorted by position, one block each, a line counting
    /// the rest, and a count line.
    public func render(_ ds: [Diagnostic]) -> String {
        let sorted = ds.sorted(by: Diagnostic.byPosition)
        var lines = sorted.prefix(Self.shownLimit).map(render)
        if sorted.count > Self.shownLimit { lines.append("... and \(sorted.count - Self.shownLimit) more") }
        let errors = ds.filter { $0.severity == .error }.count
        if errors > 0 { lines.append("\(errors) error\(errors == 1 ? "" : "s")") }
        return lines.joined(separator: "\n")
    }

    private func severityLabel(_ s: Diagnostic.Severity) -> String {
        switch s {
        case .error: paint("error", code: "31")
        case .warning: paint("warning", code: "33")
        case .note: paint("note", code: "36")
        }
    }

    private func bold(_ s: String) -> String { colour ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    private func paint(_ s: String, code: String) -> String { colour ? "\u{1B}[1;\(code)m\(s)\u{1B}[0m" : s }
}
