import RunbookYAML

/// Builds the `Plan` of a runbook: resolves hosts, `for_each` items, `when` values and renders
/// every command exactly as it would run (secrets redacted). It runs nothing.
public struct Planner: Sendable {
    /// Reads a file's current content on a host, for diffs of file actions; nil when it cannot.
    public typealias FileReader = @Sendable (InventoryHost, String) -> String?

    /// A planner.
    public init() {}

    /// A param value as plans and listings show it: lists as `[a, b]`.
    static func display(_ v: Value) -> String {
        if case .list(let items) = v { return "[" + items.map(\.description).joined(separator: ", ") + "]" }
        return v.description
    }

    /// The plan of `runbook` with `params` on `inventory`.
    /// - Parameter subRunbooks: from `UseResolver.resolve`, keyed by `UseResolver.path(of:from:)`.
    /// - Throws: `DiagnosticError` with every problem found (graph errors, unknown hosts, bad expressions).
    public func plan(runbook: Runbook, params: ResolvedParams, inventory: Inventory = .empty,
                     subRunbooks: [String: Runbook] = [:],
                     fileReader: @escaping FileReader = { _, _ in nil }) throws(DiagnosticError) -> Plan {
        var builder = PlanBuilder(inventory: inventory, subRunbooks: subRunbooks, fileReader: fileReader)
        let context = EvaluationContext(params: params.values, secretParams: params.secretNames,
                                        inventory: inventory, allowUnknown: true)
        let (steps, levels) = try builder.steps(of: runbook, context: context, prefix: "", parent: nil, level: nil, depth: 0)
        var lock: String? = nil
        if let template = runbook.lock {
            do throws(Diagnostic) { lock = try TemplateRenderer().render(template, in: context, mode: .text).redacted } catch {
                builder.diagnostics.append(error)
            }
        }
        guard builder.diagnostics.isEmpty else { throw DiagnosticError(builder.diagnostics) }
        let planned = runbook.params.compactMap { p -> PlannedParam? in
            guard let v = params.values[p.name] else { return nil }
            return PlannedParam(name: p.name, value: p.secret ? "***" : Self.display(v), secret: p.secret)
        }.sorted { $0.name < $1.name }
        return Plan(runbook: runbook.name, title: runbook.title, source: runbook.source, file: runbook.file,
                    params: planned, inventory: inventory.file, lock: lock, levels: levels, steps: steps)
    }
}
