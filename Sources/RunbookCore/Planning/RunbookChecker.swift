import Foundation
import RunbookYAML

/// Static checks over a loaded runbook, all reported in one pass: the step graph (unknown ids,
/// cycles), references in expressions (unknown params, steps, captures, groups; captures of
/// steps that do not run before; `item` outside `for_each`) and obvious type errors.
public struct RunbookChecker: Sendable {
    /// When given, `hosts.<group>` references are checked against it.
    public var inventory: Inventory?

    /// A checker; pass the inventory to check group names too.
    public init(inventory: Inventory? = nil) { self.inventory = inventory }

    /// Every problem found, sorted by position; empty when the runbook is sound.
    public func check(_ runbook: Runbook) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var graph: StepGraph? = nil
        do { graph = try StepGraph(runbook) } catch { diagnostics += error.diagnostics }
        let ancestry = graph.map(Ancestry.init)
        // First index of each id: `runbook.step(id)` scans (and copies) steps, once per `steps.<id>` reference.
        // Built from the ids alone: enumerating the steps themselves copied every Step (1% of `validate`).
        let stepIndex = Dictionary(runbook.steps.map(\.id).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        if let lock = runbook.lock {
            diagnostics += check(lock, in: runbook, step: nil, ancestry: ancestry, stepIndex: stepIndex, allowItem: false)
            diagnostics += secretsInLock(lock, in: runbook)
        }
        for step in runbook.steps {
            for template in step.templates {
                diagnostics += check(template, in: runbook, step: step, ancestry: ancestry, stepIndex: stepIndex, allowItem: step.forEach != nil)
            }
            for template in step.forEachTemplates {
                diagnostics += check(template, in: runbook, step: step, ancestry: ancestry, stepIndex: stepIndex, allowItem: false)
            }
            if let when = step.when { diagnostics += checkCondition(when) }
        }
        return diagnostics.sorted(by: Diagnostic.byPosition)
    }

    /// The lock scope is a name, written in clear to `run.json`, the lock file's name and the
    /// message naming a busy lock: a secret has no place in it.
    private func secretsInLock(_ lock: Template, in runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (expression, at) in lock.expressions {
            for path in expression.references where path.count >= 2 && path[0] == "params" {
                guard runbook.param(path[1])?.secret == true else { continue }
                out.append(.error("lock: uses the secret param '\(path[1])'", at: at,
                                  hint: "the lock scope is shown and stored in clear (run.json, the lock file's name, the message naming a busy lock); lock on a name that is not secret"))
            }
        }
        return out
    }

    private func check(_ template: Template, in runbook: Runbook, step: Step?, ancestry: Ancestry?,
                       stepIndex: [String: Int], allowItem: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (expression, at) in template.expressions {
            for path in expression.references {
                if let d = checkReference(path, at: at, in: runbook, step: step, ancestry: ancestry, stepIndex: stepIndex, allowItem: allowItem) {
                    out.append(d)
                }
            }
            for sub in expression.subexpressions {
                if let d = ExpressionTypeCheck.check(sub, at: at) { out.append(d) }
            }
        }
        return out
    }

    private func checkReference(_ path: [String], at: SourceLocation, in runbook: Runbook, step: Step?,
                                ancestry: Ancestry?, stepIndex: [String: Int], allowItem: Bool) -> Diagnostic? {
        let dotted = path.joined(separator: ".")
        switch path.first ?? "" {
        case "params":
            guard path.count >= 2 else { return .error("'params' needs a name: params.<name>", at: at) }
            guard runbook.param(path[1]) == nil else { return nil }
            return .error("unknown param '\(path[1])'", at: at, hint: NearestName.hint(path[1], among: runbook.params.map(\.name)))
        case "steps":
            return checkStepReference(path, dotted, at: at, in: runbook, step: step, ancestry: ancestry, stepIndex: stepIndex)
        case "hosts":
            guard path.count == 2 else { return .error("expected hosts.<group>, found '\(dotted)'", at: at) }
            guard let inventory, inventory.groups[path[1]] == nil else { return nil }
            return .error("unknown inventory group '\(path[1])'", at: at,
                          hint: NearestName.hint(path[1], among: inventory.groups.keys))
        case "item":
            return allowItem ? nil : .error("'item' is only available in a step with for_each", at: at)
        case "host":
            let fields = ["name", "address", "user", "port"]
            if path.count == 1 || (path.count == 2 && fields.contains(path[1])) || (path.count >= 3 && path[1] == "vars") { return nil }
            return .error("unknown reference '\(dotted)'", at: at,
                          hint: "write host, host.name, host.address, host.user, host.port or host.vars.<name>")
        default:
            let hint = NearestName.suggest(path.first ?? "", among: ExpressionEvaluator.roots)
                .map { "did you mean '\($0)'? (references start with params, steps, hosts, item or host)" }
            return .error("unknown reference '\(dotted)'", at: at,
                          hint: hint ?? "references start with params, steps, hosts, item or host")
        }
    }

    private func checkStepReference(_ path: [String], _ dotted: String, at: SourceLocation, in runbook: Runbook,
                                    step: Step?, ancestry: Ancestry?, stepIndex: [String: Int]) -> Diagnostic? {
        let shape = "write steps.<id>.outputs.<name> or steps.<id>.status"
        guard path.count >= 3 else { return .error("incomplete reference '\(dotted)'", at: at, hint: shape) }
        let id = path[1]
        guard let target = stepIndex[id].map({ runbook.steps[$0] }) else {
            return .error("unknown step '\(id)' in '\(dotted)'", at: at, hint: NearestName.hint(id, among: runbook.steps.map(\.id)))
        }
        let isOutput = path[2] == "outputs" && path.count >= 4
        guard isOutput || (path[2] == "status" && path.count == 3) else {
            return .error("unknown reference '\(dotted)'", at: at, hint: shape)
        }
        if isOutput, !target.capture.contains(where: { $0.name == path[3] }) {
            let names = target.capture.map(\.name)
            return .error("step '\(id)' has no capture '\(path[3])'", at: at,
                          hint: NearestName.hint(path[3], among: names)
                              ?? (names.isEmpty ? "add a 'capture' to step '\(id)'" : "its captures: \(names.joined(separator: ", "))"))
        }
        if let step, let ancestry, !ancestry.runsBefore(id, step.id) {
            return .error("step '\(step.id)' uses '\(dotted)', but '\(id)' does not run before it", at: at,
                          hint: "add '\(id)' to the 'needs' of '\(step.id)'")
        }
        if step == nil {
            return .error("'\(dotted)' cannot be used here: no step has run yet", at: at)
        }
        return nil
    }

    private func checkCondition(_ when: Template) -> [Diagnostic] {
        let expressions = when.expressions
        guard expressions.count == 1, let (e, at) = expressions.first, case .literal(let v) = e else { return [] }
        if case .bool = v { return [] }
        return [.error("'when' must be a bool, found \(v.typeName)", at: at)]
    }
}
