import RunbookCore

/// The plan as Markdown for a change ticket: title, params, a step table (hosts, what changes,
/// how it rolls back), then each step's exact commands, verifies, rollbacks and diffs.
public struct PlanMarkdownRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The plan as Markdown, ending with a newline.
    public func render(_ plan: Plan) -> String {
        var out = "# Plan: \(plan.runbook)\(plan.title.map { " — \($0)" } ?? "")\n\n"
        var facts: [(String, String)] = [("File", MarkdownText.code(plan.file))]
        if let source = plan.source { facts.append(("Source", MarkdownText.cell(source))) }
        if let inventory = plan.inventory { facts.append(("Inventory", MarkdownText.code(inventory))) }
        if let lock = plan.lock { facts.append(("Lock", MarkdownText.code(lock))) }
        let changing = plan.steps.filter(\.changesState).count
        facts.append(("Steps", "\(plan.steps.count) (\(changing) change state); nothing has run"))
        out += facts.map { "- **\($0.0):** \($0.1)" }.joined(separator: "\n") + "\n"
        if !plan.params.isEmpty {
            out += "\n## Params\n\n| param | value |\n|---|---|\n"
            for p in plan.params { out += "| \(MarkdownText.cell(p.name)) | \(MarkdownText.code(p.value)) |\n" }
        }
        out += "\n## Steps\n\n| # | step | kind | on | changes | rollback |\n|---|---|---|---|---|---|\n"
        let ordered = plan.levels.flatMap { level in level.compactMap { id in plan.steps.first { $0.id == id } } }
        for (index, step) in ordered.enumerated() {
            let title = step.title.map { " — \($0)" } ?? ""
            let rollback = step.rollback.isEmpty ? (step.changesState ? "none" : "—")
                : "\(step.rollback.count) command\(step.rollback.count == 1 ? "" : "s")"
            out += "| \(index + 1) | \(MarkdownText.cell(step.id + title)) | \(step.action) | "
                + "\(MarkdownText.cell(step.hosts.joined(separator: ", "))) | \(step.changesState ? "**yes**" : "no") | \(rollback) |\n"
        }
        for (index, step) in ordered.enumerated() { out += "\n" + section(step, number: index + 1) }
        return out
    }

    private func section(_ s: PlannedStep, number: Int) -> String {
        var out = "### \(number). \(MarkdownText.cell(s.id))\(s.changesState ? " (changes state)" : " (read-only)")\n\n"
        var facts: [String] = []
        if let title = s.title { facts.append(MarkdownText.cell(title)) }
        if let source = s.source { facts.append("Guide: \(MarkdownText.cell(source))") }
        if !s.dependsOn.isEmpty { facts.append("After: \(s.dependsOn.map(MarkdownText.code).joined(separator: ", "))") }
        if let when = s.when {
            let value = when.value.map { $0 ? "true" : "false — skipped" } ?? "decided at run time"
            facts.append("When: \(MarkdownText.code(when.expression)) → \(value)")
        }
        if let n = s.maxParallel { facts.append(n == 1 ? "One host or item at a time" : "At most \(n) at a time") }
        if let timeout = s.timeout { facts.append("Timeout: \(timeout)") }
        out += facts.map { "- \($0)\n" }.joined()
        if !facts.isEmpty { out += "\n" }
        out += invocations(s.invocations)
        if !s.verify.isEmpty { out += "\nVerify:\n\n" + invocations(s.verify) }
        if !s.rollback.isEmpty { out += "\nRollback:\n\n" + invocations(s.rollback) }
        return out
    }

    /// One block per invocation, separated by a blank line, the last ending with its newline.
    private func invocations(_ list: [PlannedInvocation]) -> String {
        list.map { inv in
            var label = "On \(MarkdownText.code(inv.host))"
            if let item = inv.item { label += ", item \(MarkdownText.code(item))" }
            if inv.skipped == true { return "\(label): skipped (`when` is false)\n" }
            var out = label + ":\n\n"
            if let command = inv.command { out += MarkdownText.block(command, info: "sh") }
            if let detail = inv.detail { out += (inv.command == nil ? "" : "\n") + MarkdownText.cell(detail) + "\n" }
            if let diff = inv.diff { out += "\n" + MarkdownText.block(diff, info: "diff") }
            return out
        }.joined(separator: "\n")
    }
}
