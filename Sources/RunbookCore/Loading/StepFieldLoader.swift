import RunbookYAML

/// The fields every step may have, whatever its action.
struct CommonStepFields {
    var title: String?
    var source: String?
    var on: Template?
    var needs: [StepReference]?
    var when: Template?
    var forEach: ForEach?
    var maxParallel: Int?
    var maxFailures: Int?
    var timeout: TimeSpan?
    var retries: Retries?
    var capture: [Capture] = []
    var rollback: [RollbackAction] = []
    var verify: Condition?
    var idempotent = false
    var onFailure: Step.FailurePolicy = .rollback
}

extension RunbookDecoder {
    mutating func commonFields(_ f: Fields, action: String?) -> CommonStepFields {
        var c = CommonStepFields()
        c.title = f["title"].flatMap { string($0) }
        c.source = f["source"].flatMap { string($0) }
        c.on = f["on"].flatMap { template($0) }
        if let n = f["needs"], let items = oneOrMany(n) {
            c.needs = items.compactMap { item in name(item, rule: .step, what: "step id").map { StepReference($0, at: item.location) } }
        }
        c.when = f["when"].flatMap { expressionTemplate($0, key: "when") }
        c.maxParallel = f["max_parallel"].flatMap { int($0, atLeast: 1) }
        c.maxFailures = f["max_failures"].flatMap { int($0, atLeast: 0) }
        if let node = f["for_each"], let items = forEachItems(node) {
            c.forEach = ForEach(items: items, maxParallel: c.maxParallel, maxFailures: c.maxFailures, location: node.location)
        }
        c.timeout = f["timeout"].flatMap { duration($0) }
        c.retries = f["retries"].flatMap { retries($0) }
        c.capture = f["capture"].map { captures($0) } ?? []
        c.rollback = f["rollback"].map { rollback($0) } ?? []
        if let v = f["verify"] {
            if let action, !["run", "use", "edit", "copy", "move", "archive", "write", "fetch"].contains(action) {
                error("'verify' checks what a change did; it does not apply to '\(action)'", at: f.keyLocation("verify") ?? v.location,
                      hint: "'verify' goes with run, use and file actions")
            } else {
                c.verify = condition(v, of: "verify", polled: true)
            }
        }
        if let i = f["idempotent"], let b = bool(i) { c.idempotent = b }
        if let o = f["on_failure"], let text = string(o) {
            if let policy = Step.FailurePolicy(rawValue: text) {
                c.onFailure = policy
            } else {
                let names = ["rollback", "stop", "continue"]
                error("unknown on_failure policy '\(text.clipped)'\(DidYouMean.clause(for: text, among: names))", at: o.location,
                      hint: "use rollback (the default), stop or continue")
            }
        }
        return c
    }

    /// `for_each`: a list of templates, or one template or bare expression that yields a list.
    private mutating func forEachItems(_ node: Node) -> ForEach.Items? {
        if let items = node.items {
            guard !items.isEmpty else {
                error("'for_each' is an empty list", at: node.location, hint: "give at least one item, or remove 'for_each'")
                return nil
            }
            let templates = items.compactMap { template($0) }
            return templates.count == items.count ? .list(templates) : nil
        }
        guard node.isScalar, !node.isNull else {
            error("expected a list or an expression for 'for_each', found \(Self.found(node))", at: node.location)
            return nil
        }
        return expressionTemplate(node, key: "for_each").map(ForEach.Items.expression)
    }

    /// `retries: 3` or `retries: { attempts: 3, delay: 10s, backoff: 2 }`.
    private mutating func retries(_ node: Node) -> Retries? {
        if node.isScalar { return int(node, atLeast: 1).map { Retries(attempts: $0) } }
        guard let f = fields(node, of: "retries", allowed: ["attempts", "delay", "backoff"], required: ["attempts"]) else { return nil }
        let attempts = f["attempts"].flatMap { int($0, atLeast: 1) }
        let delay = f["delay"].flatMap { duration($0) }
        let backoff = f["backoff"].flatMap { number($0, atLeast: 1) }
        guard let attempts else { return nil }
        return Retries(attempts: attempts, delay: delay ?? .seconds(0), backoff: backoff ?? 1)
    }

    /// `capture:` name -> `stdout` | `{ regex: … }` | `{ json: … }`.
    private mutating func captures(_ node: Node) -> [Capture] {
        guard let pairs = node.pairs else {
            error("expected a mapping of output names to sources for 'capture', found \(Self.found(node))", at: node.location)
            return []
        }
        var out: [Capture] = []
        for pair in pairs {
            guard let name = name(pair.key, rule: .variable, what: "capture name") else { continue }
            let v = pair.value
            let hint = "write stdout, { regex: '…' } or { json: '$.path' }"
            if let text = v.text, v.isScalar {
                if text == "stdout" {
                    out.append(Capture(name: name, source: .stdout, location: pair.key.location))
                } else {
                    error("unknown capture source \(Self.found(v)) for '\(name.clipped)'", at: v.location, hint: hint)
                }
                continue
            }
            guard let f = fields(v, of: "capture '\(name.clipped)'", allowed: ["regex", "json"]) else { continue }
            switch (f["regex"], f["json"]) {
            case (let r?, nil):
                if let pattern = regex(r) { out.append(Capture(name: name, source: .regex(pattern), location: pair.key.location)) }
            case (nil, let j?):
                if let path = jsonPath(j) { out.append(Capture(name: name, source: .jsonPath(path), location: pair.key.location)) }
            case (_?, _?):
                error("capture '\(name.clipped)' has both 'regex' and 'json'; give one", at: v.location)
            case (nil, nil):
                // Unknown keys were reported already; only an empty mapping needs its own message.
                if v.pairs?.isEmpty ?? true { error("capture '\(name.clipped)' needs a source", at: v.location, hint: hint) }
            }
        }
        return out
    }

    /// A JSON path: `$.a.b[0]` or `.a.b`.
    mutating func jsonPath(_ node: Node) -> String? {
        guard let text = string(node) else { return nil }
        guard text.hasPrefix("$") || text.hasPrefix(".") else {
            error("invalid JSON path '\(text.clipped)'", at: node.location, hint: "start it with '$', as in $.items[0].metadata.name")
            return nil
        }
        return text
    }
}
