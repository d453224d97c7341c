import RunbookYAML

/// The one action of a step.
extension RunbookDecoder {
    mutating func action(_ key: String, _ node: Node, with: Node?, withKey: SourceLocation?) -> Action? {
        switch key {
        case "run":
            return command(node, of: "run").map(Action.run)
        case "check":
            return condition(node, of: "check", polled: false).map(Action.check)
        case "wait":
            guard node.pairs != nil else {
                error("expected a mapping with 'run', 'expect' and 'timeout' for 'wait', found \(Self.found(node))", at: node.location,
                      hint: "a wait polls a command: wait: { run: CMD, expect: {…}, timeout: 5m }")
                return nil
            }
            return condition(node, of: "wait", polled: true, timeoutRequired: true).map(Action.wait)
        case "confirm":
            return confirmation(node).map(Action.confirm)
        case "use":
            return use(node, with: with).map(Action.use)
        default:
            return fileAction(key, node).map(Action.file)
        }
    }

    /// A command: a non-empty string template.
    mutating func command(_ node: Node, of key: String) -> Template? {
        guard node.isScalar, !node.isNull else {
            error("expected a command string for '\(key.clipped)', found \(Self.found(node))", at: node.location)
            return nil
        }
        guard let t = template(node) else { return nil }
        if t.raw.trimmingWhitespace.isEmpty {
            error("'\(key.clipped)' has an empty command", at: node.location)
            return nil
        }
        // Where the shell reads an expression as code whatever the quoting, the runbook is refused here,
        // so `validate`, `plan` and `run` agree (the renderer throws the same diagnostic).
        let refusals = t.shellRefusals
        report(refusals)
        return refusals.isEmpty ? t : nil
    }

    private mutating func confirmation(_ node: Node) -> Confirmation? {
        if node.isScalar {
            return template(node).map { Confirmation(prompt: $0, answer: .literal("yes", at: node.location)) }
        }
        guard let f = fields(node, of: "confirm", allowed: ["prompt", "answer"], required: ["prompt"]) else { return nil }
        let prompt = f["prompt"].flatMap { template($0) }
        let answer = f["answer"].map { template($0) } ?? .literal("yes", at: node.location)
        guard let prompt, let answer else { return nil }
        return Confirmation(prompt: prompt, answer: answer)
    }

    private mutating func use(_ node: Node, with: Node?) -> Use? {
        guard let reference = string(node) else { return nil }
        let isPath = reference.hasSuffix(".yaml")
        if reference.hasPrefix("/") {
            error("'use' takes a runbook name or a relative path, found the absolute path '\(reference.clipped)'", at: node.location,
                  hint: "runbooks are looked up next to this one; write a relative path")
            return nil
        }
        if !isPath, !NameRule.runbook.accepts(reference) {
            error("'use' takes a runbook name or a relative path ending in .yaml, found '\(reference.clipped)'", at: node.location)
            return nil
        }
        var params: [(name: String, value: Template)] = []
        if let with {
            if let pairs = with.pairs {
                for pair in pairs {
                    guard let name = name(pair.key, rule: .variable, what: "param name"),
                          let value = template(pair.value) else { continue }
                    params.append((name, value))
                }
            } else {
                error("expected a mapping of param names to values for 'with', found \(Self.found(with))", at: with.location)
            }
        }
        return Use(reference: reference, with: params, location: node.location)
    }
}
