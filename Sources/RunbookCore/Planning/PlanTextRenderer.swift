import RunbookYAML

/// The human form of a plan: a header, then the parallel groups, one block per step with
/// `[changes]` / `[read-only]`, hosts, exact commands, rollbacks and diffs.
public struct PlanTextRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The plan as text, ending with a newline. Control characters from values (and the file) are shown
    /// escaped (`TerminalSafe`), so a param can never drive the operator's terminal.
    public func render(_ plan: Plan) -> String {
        TerminalSafe.escape(text(plan), keepLineBreaks: true)
    }

    private func text(_ plan: Plan) -> String {
        var out = "Plan for \(plan.runbook)"
        if let title = plan.title { out += ": \(title)" }
        out += "\n"
        if let source = plan.source { out += "source: \(source)\n" }
        out += "file: \(plan.file)\n"
        if let inventory = plan.inventory { out += "inventory: \(inventory)\n" }
        if let lock = plan.lock { out += "lock: \(lock)\n" }
        if !plan.params.isEmpty {
            out += "params:\n"
            for p in plan.params { out += "  \(p.name) = \(p.value)\n" }
        }
        let changing = plan.steps.filter(\.changesState).count
        out += "\(plan.steps.count) step\(plan.steps.count == 1 ? "" : "s"), \(changing) change\(changing == 1 ? "s" : "") state; nothing has run.\n"
        for (index, level) in plan.levels.enumerated() {
            let parallel = level.filter { id in plan.steps.first { $0.id == id }?.parent == nil }.count > 1
            out += "\n== group \(index + 1)\(parallel ? " (these run in parallel)" : "") ==\n"
            for id in level {
                guard let step = plan.steps.first(where: { $0.id == id }) else { continue }
                out += "\n" + block(step)
            }
        }
        return out
    }

    private func block(_ s: PlannedStep) -> String {
        var out = "\(s.changesState ? "[changes]  " : "[read-only]") \(s.id) (\(s.action))"
        if let title = s.title { out += " — \(title)" }
        out += "\n"
        func line(_ label: String, _ value: String) { out += "    \(label): \(value)\n" }
        if let source = s.source { line("source", source) }
        if let parent = s.parent { line("part of", parent) }
        if !s.dependsOn.isEmpty { line("after", s.dependsOn.joined(separator: ", ")) }
        line("on", s.hosts.joined(separator: ", "))
        if let items = s.forEach { line("for each", items.joined(separator: ", ")) }
        // Known per host/item but not the same everywhere: each excluded host or item is marked where it would run.
        let perHost = s.when?.value == nil && s.invocations.contains { $0.skipped == true }
        if let when = s.when {
            let value = when.value.map { $0 ? "true" : "false (the step will be skipped)" }
                ?? (perHost ? "true for some hosts or items, false for the others (marked skipped below)" : "decided at run time")
            line("when", "\(when.expression) → \(value)")
        }
        // "One at a time" is what keeps the API up while masters restart: the plan must show it.
        if let n = s.maxParallel { line("parallel", n == 1 ? "one host or item at a time" : "at most \(n) at a time") }
        if let n = s.maxFailures, n > 0 { line("may fail", "\(n) host\(n == 1 ? "" : "s") or item\(n == 1 ? "" : "s") before the step fails") }
        if let timeout = s.timeout { line("timeout", timeout) }
        if let retries = s.retries { line("retries", retries) }
        if s.onFailure != "rollback" { line("on failure", s.onFailure) }
        if s.idempotent { line("idempotent", "yes") }
        for c in s.captures { line("capture", c) }
        out += invocations(s.invocations, markSkipped: perHost)
        if !s.verify.isEmpty {
            out += "    verify:\n" + invocations(s.verify, markSkipped: perHost, indent: "      ")
        }
        if !s.rollback.isEmpty {
            out += "    rollback:\n" + invocations(s.rollback, markSkipped: perHost, indent: "      ")
        }
        return out
    }

    private func invocations(_ list: [PlannedInvocation], markSkipped: Bool, indent: String = "    ") -> String {
        var out = ""
        let hosts = Set(list.map(\.host))
        for inv in list {
            var prefix = indent
            if hosts.count > 1 || inv.host != "localhost" { prefix += "[\(inv.host)] " }
            if let item = inv.item { prefix += "(item \(item)) " }
            if markSkipped, inv.skipped == true {
                let scope = inv.item == nil ? "host" : hosts.count > 1 ? "host and item" : "item"
                out += "\(prefix)skipped: `when` is false for this \(scope)\n"
                continue
            }
            if let command = inv.command { out += hanging(command, after: "\(prefix)$ ") }
            if let detail = inv.detail { out += hanging(detail, after: "\(prefix)\(inv.command == nil ? "" : "  ")") }
            if let diff = inv.diff {
                for l in diff.split(separator: "\n", omittingEmptySubsequences: false) where !l.isEmpty {
                    out += "\(indent)  \(l)\n"
                }
            }
        }
        return out
    }

    /// `text` after `lead`, every further line indented to start under the first line's text, so a
    /// multi-line script reads as one block under its `$`. The script's final newline is not shown
    /// (it changes nothing for the shell); the JSON plan keeps the command byte for byte.
    private func hanging(_ text: String, after lead: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        let indent = String(repeating: " ", count: lead.count)
        var out = ""
        for (index, line) in lines.enumerated() {
            out += (index == 0 ? lead : (line.isEmpty ? "" : indent)) + line + "\n"
        }
        return out
    }
}
