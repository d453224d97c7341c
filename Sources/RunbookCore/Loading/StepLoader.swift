import RunbookYAML

/// `steps:`: each step's id, its one action and its common fields.
extension RunbookDecoder {
    static let actionKeys = ["run", "check", "wait", "confirm", "use", "edit", "copy", "move", "archive", "write", "fetch"]
    static let commonStepKeys = [
        "id", "title", "source", "on", "needs", "when", "for_each", "max_parallel", "max_failures", "timeout",
        "retries", "capture", "rollback", "verify", "idempotent", "on_failure", "with",
    ]
    /// Every key a step may have (built once, not once per step).
    static let stepKeys = commonStepKeys + actionKeys

    mutating func steps(from node: Node) -> [Step]? {
        guard let items = node.items else {
            error("expected a list of steps for 'steps', found \(Self.found(node))", at: node.location,
                  hint: "write each step as a '- id: …' item")
            return nil
        }
        guard !items.isEmpty else {
            error("'steps' is empty; a runbook needs at least one step", at: node.location)
            return nil
        }
        var firstDefinition: [String: SourceLocation] = [:]
        var steps: [Step] = []
        steps.reserveCapacity(items.count)  // a Step is large; growing the array would copy them all
        for (index, item) in items.enumerated() {
            if let step = step(item, number: index + 1, firstDefinition: &firstDefinition) { steps.append(step) }
        }
        return steps
    }

    private mutating func step(_ node: Node, number: Int, firstDefinition: inout [String: SourceLocation]) -> Step? {
        let idText = node["id"]?.text
        let what = idText.map { "step '\($0)'" } ?? "step \(number)"
        guard let f = fields(node, of: what, allowed: Self.stepKeys, required: ["id"]) else { return nil }
        var id: String? = nil
        if let idNode = f["id"], let text = name(idNode, rule: .step, what: "step id") {
            if let first = firstDefinition[text] {
                error("duplicate step id '\(text.clipped)'", at: idNode.location, hint: "step ids must be unique in a runbook",
                      notes: [.init("'\(text.clipped)' first used here", at: first)])
            } else {
                firstDefinition[text] = idNode.location
                id = text
            }
        }
        let actionKeys = f.keys.filter(Self.actionKeys.contains)
        var action: Action? = nil
        if actionKeys.isEmpty {
            error("\(what) has no action", at: node.location,
                  hint: "add exactly one of: \(Self.actionKeys.joined(separator: ", "))")
        } else if actionKeys.count > 1 {
            let second = actionKeys[1]
            error("\(what) has more than one action: '\(actionKeys[0])' and '\(second)'",
                  at: f.keyLocation(second) ?? node.location, hint: "a step does one thing; split it into two steps")
        } else if let key = actionKeys.first, let value = f[key] {
            action = self.action(key, value, with: f["with"], withKey: f.keyLocation("with"))
        }
        if f.has("with"), actionKeys.count == 1, actionKeys.first != "use", let at = f.keyLocation("with") {
            error("'with' gives params to a sub-runbook and needs 'use'", at: at, hint: "remove 'with', or call a runbook with 'use'")
        }
        if actionKeys == ["use"] {
            // A sub-runbook's steps choose their own hosts; running it per host or per item would
            // multiply its locks, backups and confirmations in ways nobody sees in the plan.
            for key in ["on", "for_each", "max_parallel", "max_failures", "timeout", "retries"] {
                if let at = f.keyLocation(key) {
                    error("'\(key)' cannot be used with 'use': a sub-runbook runs once and its steps choose their own hosts",
                          at: at, hint: "pass the host as a param with 'with', and use it in the sub-runbook's 'on'")
                }
            }
        }
        let common = commonFields(f, action: actionKeys.count == 1 ? actionKeys.first : nil)
        guard let id, let action else { return nil }
        var step = Step(
            id: id, title: common.title, action: action, on: common.on, needs: common.needs, when: common.when,
            forEach: common.forEach, timeout: common.timeout, retries: common.retries, capture: common.capture,
            rollback: common.rollback, verify: common.verify, idempotent: common.idempotent,
            onFailure: common.onFailure, source: common.source, location: node.location)
        step.maxParallel = common.maxParallel
        step.maxFailures = common.maxFailures
        return step
    }
}
