import RunbookYAML

/// The work behind `Planner.plan`: one pass over the graph, collecting diagnostics as it goes.
struct PlanBuilder {
    let inventory: Inventory
    let subRunbooks: [String: Runbook]
    let fileReader: Planner.FileReader
    var diagnostics: [Diagnostic] = []
    private let renderer = TemplateRenderer()

    init(inventory: Inventory, subRunbooks: [String: Runbook], fileReader: @escaping Planner.FileReader) {
        self.inventory = inventory
        self.subRunbooks = subRunbooks
        self.fileReader = fileReader
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
                    let (children, _) = try expand(use, step: step, in: runbook, context: context, prefix: prefix, level: level, depth: depth)
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

    private mutating func expand(_ use: Use, step: Step, in runbook: Runbook, context: EvaluationContext, prefix: String,
                                 level: Int, depth: Int) throws(Diagnostic) -> ([PlannedStep], [[String]]) {
        let path = UseResolver.path(of: use.reference, from: runbook.file)
        guard let sub = subRunbooks[path] else {
            throw .error("runbook '\(use.reference)' (\(path)) was not resolved", at: use.location,
                         hint: "check that \(path) exists and is valid")
        }
        // A `use` with `for_each` or a group `on` runs the sub-runbook once per host and item: each copy is
        // listed, named `step[label]/child`.
        let hosts = try HostResolver.hosts(for: step.on, in: context, inventory: inventory)
        var first = context
        first.host = hosts.first
        let items = try forEachItems(step, in: first)
        let itemList: [Value?] = items.map { $0.values.map { Optional($0) } } ?? [nil]
        let copies = hosts.count * itemList.count
        var out: [PlannedStep] = []
        for host in hosts {
            for item in itemList {
                var ctx = context
                ctx.host = host
                ctx.item = item
                var label: [String] = []
                if hosts.count > 1 { label.append(host.name) }
                if let item { label.append(items?.display[item] ?? item.description) }
                let name = copies == 1 ? step.id : "\(step.id)[\(label.joined(separator: ","))]"
                var values: [String: Value] = [:]
                var secrets = Set(sub.params.filter(\.secret).map(\.name))
                for p in sub.params { if let d = p.defaultValue { values[p.name] = d } }
                for (key, template) in use.with {
                    let (value, rendered) = try TemplateValue.evaluate(template, in: ctx)
                    values[key] = value
                    if !rendered.secrets.isEmpty { secrets.insert(key) }
                }
                let subContext = EvaluationContext(params: values, secretParams: secrets, inventory: inventory, allowUnknown: true)
                do {
                    out += try steps(of: sub, context: subContext, prefix: "\(prefix)\(name)/", parent: prefix + step.id,
                                     level: level, depth: depth + 1).0
                } catch {
                    diagnostics += error.diagnostics
                }
            }
        }
        return (out, [])
    }

    private func plan(_ step: Step, in runbook: Runbook, context: EvaluationContext, graph: StepGraph, prefix: String,
                      parent: String?, level: Int) throws(Diagnostic) -> PlannedStep {
        let hosts = try HostResolver.hosts(for: step.on, in: context, inventory: inventory)
        var first = context
        first.host = hosts.first
        let items = try forEachItems(step, in: first)
        var invocations: [PlannedInvocation] = [], rollback: [PlannedInvocation] = [], verify: [PlannedInvocation] = []
        var when: PlannedCondition? = nil
        for host in hosts {
            let itemList: [Value?] = items.map { $0.values.map { Optional($0) } } ?? [nil]
            for item in itemList {
                var ctx = context
                ctx.host = host
                ctx.item = item
                let itemText = item.map { items?.display[$0] ?? $0.description }
                let describer = ActionDescriber(context: ctx, host: host, fileReader: fileReader)
                // `when` is evaluated per host and item, as the engine does: a host or item it excludes is marked,
                // so the plan never shows a command (an scp of a master to itself) that will not run.
                var value: Bool? = nil
                if let w = step.when {
                    value = try ExpressionEvaluator(context: ctx).evaluateCondition(w)
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
        }
        return PlannedStep(
            id: prefix + step.id, title: step.title, source: step.source, location: step.location.description,
            action: step.action.keyword, changesState: step.changesState, level: level,
            dependsOn: graph.dependencies(of: step.id).map { prefix + $0 }, hosts: hosts.map(\.name),
            forEach: items.map { i in i.values.map { i.display[$0] ?? $0.description } }, when: when,
            invocations: invocations, rollback: rollback, verify: verify, captures: step.capture.map(Self.describe),
            timeout: step.timeout?.description, retries: step.retries.map(Self.describe),
            onFailure: step.onFailure.rawValue, idempotent: step.idempotent, parent: parent,
            maxParallel: step.maxParallel ?? step.forEach?.maxParallel, maxFailures: step.maxFailures ?? step.forEach?.maxFailures)
    }

    /// The `for_each` items with how each is displayed (secrets redacted).
    private func forEachItems(_ step: Step, in context: EvaluationContext) throws(Diagnostic) -> (values: [Value], display: [Value: String])? {
        guard let forEach = step.forEach else { return nil }
        var values: [Value] = [], display: [Value: String] = [:]
        switch forEach.items {
        case .list(let templates):
            for t in templates {
                let (v, rendered) = try TemplateValue.evaluate(t, in: context)
                values.append(v)
                display[v] = rendered.redacted
            }
        case .expression(let t):
            let (v, rendered) = try TemplateValue.evaluate(t, in: context)
            switch v {
            case .list(let l):
                values = l
                if !rendered.secrets.isEmpty { for i in l { display[i] = "***" } }
            case .string(let s) where s.hasPrefix("<"):
                // A capture of an earlier step: the items are only known at run time.
                values = [.string("<item of \(s.dropFirst().dropLast())>")]
            default:
                throw .error("for_each must be a list, found \(v.typeName)", at: t.location)
            }
        }
        return (values, display)
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

/// A template's value: a lone `${{ … }}` keeps its type (a list stays a list); anything else is text.
enum TemplateValue {
    static func evaluate(_ t: Template, in context: EvaluationContext) throws(Diagnostic) -> (Value, TemplateRenderer.Rendered) {
        let rendered = try TemplateRenderer().render(t, in: context, mode: .text)
        if t.segments.count == 1, case .expression(let e, _, let at) = t.segments[0] {
            let result = try ExpressionEvaluator(context: context).evaluateDetailed(e, at: at)
            if let v = result.value { return (v, rendered) }
        }
        return (.string(rendered.text), rendered)
    }
}
