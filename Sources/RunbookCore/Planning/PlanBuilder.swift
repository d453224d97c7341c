import RunbookYAML

/// The work behind `Planner.plan`: one pass over the graph, collecting diagnostics as it goes.
struct PlanBuilder {
    let inventory: Inventory
    let subRunbooks: [String: Runbook]
    let fileReader: Planner.FileReader
    var diagnostics: [Diagnostic] = []
    private let resolver: StepResolver

    init(inventory: Inventory, subRunbooks: [String: Runbook], fileReader: @escaping Planner.FileReader) {
        self.inventory = inventory
        self.subRunbooks = subRunbooks
        self.fileReader = fileReader
        self.resolver = StepResolver(inventory: inventory)
    }

    /// Planned steps of `runbook` (sub-runbooks inline) and its parallel groups.
    mutating func steps(of runbook: Runbook, context: EvaluationContext, prefix: String, parent: String?,
                        level fixedLevel: Int?, depth: Int) throws(DiagnosticError) -> ([PlannedStep], [[String]]) {
        let graph = try StepGraph(runbook)
        var out: [PlannedStep] = []
        var levels: [[String]] = graph.levels.map { $0.map { prefix + $0 } }
        for id in graph.order {
            guard let step = runbook.step(id) else { continue }
            let level = fixedLevel ?? graph.level(of: id) ?? 0
            do throws(Diagnostic) {
                let planned = try plan(step, in: runbook, context: context, graph: graph, prefix: prefix, parent: parent, level: level)
                out.append(planned)
                if case .use(let use) = step.action, depth < 16 {
                    var (children, _) = try expand(use, step: step, in: runbook, context: context, prefix: prefix, level: level, depth: depth)
                    // A `use` whose `when` is false runs none of its sub-runbook: the plan marks every step of it.
                    if planned.when?.value == false { children = children.map(Self.skipped) }
                    out += children
                    if fixedLevel == nil, let li = levels.firstIndex(where: { $0.contains(prefix + id) }),
                       let at = levels[li].firstIndex(of: prefix + id) {
                        levels[li].insert(contentsOf: children.map(\.id), at: at + 1)
                    }
                }
            } catch {
                diagnostics.append(error)
            }
        }
        return (out, levels)
    }

    /// A `use` step's sub-runbook steps, named `step/child`: the sub-runbook runs once (the loader
    /// refuses `on` and `for_each` on `use`).
    private mutating func expand(_ use: Use, step: Step, in runbook: Runbook, context: EvaluationContext, prefix: String,
                                 level: Int, depth: Int) throws(Diagnostic) -> ([PlannedStep], [[String]]) {
        let path = UseResolver.path(of: use.reference, from: runbook.file)
        guard let sub = StepResolver.subRunbook(use.reference, from: runbook.file, in: subRunbooks) else {
            throw .error("runbook '\(use.reference)' (\(path)) was not resolved", at: use.location,
                         hint: "check that \(path) exists and is valid")
        }
        let (values, secrets) = try resolver.subRunbookParams(use, of: sub, in: context)
        let subContext = EvaluationContext(params: values, secretParams: secrets, inventory: inventory, allowUnknown: true)
        do {
            return (try steps(of: sub, context: subContext, prefix: "\(prefix)\(step.id)/", parent: prefix + step.id,
                              level: level, depth: depth + 1).0, [])
        } catch {
            diagnostics += error.diagnostics
            return ([], [])
        }
    }

    private func plan(_ step: Step, in runbook: Runbook, context: EvaluationContext, graph: StepGraph, prefix: String,
                      parent: String?, level: Int) throws(Diagnostic) -> PlannedStep {
        let hosts = try resolver.hosts(of: step, in: context)
        let instances = try resolver.instances(of: step, in: context)
        var invocations: [PlannedInvocation] = [], rollback: [PlannedInvocation] = [], verify: [PlannedInvocation] = []
        var when: PlannedCondition? = nil
        for instance in instances {
            let ctx = resolver.context(context, for: instance)
            let host = instance.host ?? .local
            let itemText = instance.item?.shown
            let describer = ActionDescriber(context: ctx, host: host, fileReader: fileReader)
            // `when` is evaluated per host and item, as the engine does: a host or item it excludes is marked,
            // so the plan never shows a command (an scp of a master to itself) that will not run.
            var value: Bool? = nil
            if let w = step.when {
                value = try resolver.when(of: step, in: ctx)
                if when == nil { when = PlannedCondition(expression: w.raw, value: value) }
                else if when?.value != value { when?.value = nil }
            }
            let skipped: Bool? = value == false ? true : nil
            var invocation = try describer.describe(step.action, host: host.name, item: itemText)
            invocation.skipped = skipped
            invocations.append(invocation)
            for r in step.rollback {
                var undo = try describer.describe(r, host: host.name, item: itemText)
                undo.skipped = skipped
                rollback.append(undo)
            }
            if let v = step.verify {
                var check = try describer.describe(v, host: host.name, item: itemText, wait: v.timeout != nil)
                check.skipped = skipped
                verify.append(check)
            }
        }
        var first = context
        first.host = hosts.first ?? nil
        let items = try resolver.items(of: step, in: first)
        return PlannedStep(
            id: prefix + step.id, title: step.title, source: step.source, location: step.location.description,
            action: step.action.keyword, changesState: step.changesState, level: level,
            dependsOn: graph.dependencies(of: step.id).map { prefix + $0 }, hosts: hosts.map { ($0 ?? .local).name },
            forEach: items?.map(\.shown), when: when,
            invocations: invocations, rollback: rollback, verify: verify, captures: step.capture.map(Self.describe),
            timeout: step.timeout?.description, retries: step.retries.map(Self.describe),
            onFailure: step.onFailure.rawValue, idempotent: step.idempotent, parent: parent,
            maxParallel: step.maxParallel ?? step.forEach?.maxParallel, maxFailures: step.maxFailures ?? step.forEach?.maxFailures)
    }

    /// `step` with every invocation marked as not running.
    private static func skipped(_ step: PlannedStep) -> PlannedStep {
        var out = step
        for i in out.invocations.indices { out.invocations[i].skipped = true }
        for i in out.rollback.indices { out.rollback[i].skipped = true }
        for i in out.verify.indices { out.verify[i].skipped = true }
        return out
    }

    private static func describe(_ c: Capture) -> String {
        switch c.source {
        case .regex(let r): "\(c.name) <- regex '\(r)'"
        case .jsonPath(let p): "\(c.name) <- json '\(p)'"
        case .stdout: "\(c.name) <- stdout"
        }
    }

    private static func describe(_ r: Retries) -> String {
        var s = "\(r.attempts) attempt\(r.attempts == 1 ? "" : "s")"
        if r.delay.milliseconds > 0 { s += ", \(r.delay) apart" }
        if r.backoff != 1 {
            let factor = r.backoff == r.backoff.rounded() && abs(r.backoff) < 1e9 ? String(Int(r.backoff)) : String(r.backoff)
            s += " (backoff ×\(factor))"
        }
        return s
    }
}
