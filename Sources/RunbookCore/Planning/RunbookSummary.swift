/// The short description `runbook list` prints for a runbook.
public enum RunbookSummary {
    /// `name — title`, then `source:` and one line per param (`name: type, required, default x`).
    public static func text(_ runbook: Runbook) -> String {
        var out = runbook.name + (runbook.title.map { " — \($0)" } ?? "")
        out += "\n    file: \(runbook.file)"
        if let source = runbook.source { out += "\n    source: \(source)" }
        if runbook.params.isEmpty { out += "\n    params: none" }
        for p in runbook.params {
            var facts = [p.kind.rawValue]
            if p.required { facts.append("required") }
            if let d = p.defaultValue { facts.append(p.secret ? "default ***" : "default \(Planner.display(d))") }
            if p.secret { facts.append("secret") }
            out += "\n    --param \(p.name)  (\(facts.joined(separator: ", ")))"
            if let d = p.description { out += " \(d)" }
        }
        return out
    }
}
