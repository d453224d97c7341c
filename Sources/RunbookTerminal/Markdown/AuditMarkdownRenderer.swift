import RunbookEngine

/// A run's audit trail as Markdown for a change ticket: who, what, when, the outcome, the chain
/// digest to compare with a copy kept elsewhere, and the timeline.
public struct AuditMarkdownRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// - Parameters:
    ///   - records: the journal, in order.
    ///   - chain: what `audit verify` found: the digest of the last line, or the problem.
    public func render(_ records: [JournalRecord], chain: Result<String, AuditChainProblem>) -> String {
        let run = records.first?.run ?? "?"
        var out = "# Audit: run \(MarkdownText.code(run))\n\n"
        let operators = records.reduce(into: [String]()) { if !$0.contains($1.operatorName) { $0.append($1.operatorName) } }
        let finished = records.last { $0.event.kind == .runFinished }
        var facts: [(String, String)] = []
        if let started = records.first { facts.append(("Started", started.timestamp)) }
        if let finished { facts.append(("Finished", finished.timestamp)) }
        facts.append(("Operator", operators.map(MarkdownText.code).joined(separator: ", ")))
        facts.append(("Outcome", MarkdownText.cell(finished?.event.message ?? (records.isEmpty ? "no journal" : "not finished (resumable)"))))
        switch chain {
        case .success(let digest): facts.append(("Journal chain", "intact, \(records.count) lines, last line sha256 \(MarkdownText.code(digest))"))
        case .failure(let problem): facts.append(("Journal chain", "**BROKEN**: \(MarkdownText.cell(problem.message))"))
        }
        out += facts.map { "- **\($0.0):** \($0.1)" }.joined(separator: "\n") + "\n"
        out += "\n## Timeline\n\n| time | operator | event | step | command / message | exit | duration |\n|---|---|---|---|---|---|---|\n"
        for r in records {
            let e = r.event
            var step = e.step ?? ""
            if let host = e.host, !step.hasSuffix("@\(host)") { step += "@\(host)" }
            let what = e.command ?? e.message ?? e.path ?? ""
            out += "| \(r.timestamp) | \(MarkdownText.cell(r.operatorName)) | \(e.kind.rawValue) | \(MarkdownText.cell(step)) | "
                + "\(what.isEmpty ? "" : MarkdownText.code(what)) | \(e.status?.description ?? "") | "
                + "\(e.durationMilliseconds.map(AuditTimeline.duration) ?? "") |\n"
        }
        return out
    }
}

/// Why `audit verify` does not trust a journal, for renderers.
public struct AuditChainProblem: Error, Sendable {
    /// One line, with the journal line number.
    public var message: String
    /// Creates a value with every field given.
    public init(message: String) { self.message = message }
}
