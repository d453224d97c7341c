import RunbookYAML

/// Conditions (`check`, `wait`, `verify`) and their `expect` predicates.
extension RunbookDecoder {
    static let expectKeys = [
        "exit", "stdout_contains", "stdout_not_contains", "stdout_matches", "stdout_not_matches",
        "stderr_contains", "stderr_matches", "json",
    ]

    /// A bare command string (must exit 0) or `{ run, expect }`, plus `timeout`/`interval` when polled.
    mutating func condition(_ node: Node, of key: String, polled: Bool, timeoutRequired: Bool = false) -> Condition? {
        if node.isScalar, !timeoutRequired {
            return command(node, of: key).map { Condition(command: $0, location: node.location) }
        }
        let allowed = ["run", "expect"] + (polled ? ["timeout", "interval"] : [])
        let required = ["run"] + (timeoutRequired ? ["timeout"] : [])
        guard let f = fields(node, of: "'\(key.clipped)'", allowed: allowed, required: required) else { return nil }
        let command = f["run"].flatMap { self.command($0, of: "run") }
        let expect = f["expect"].map { expectation($0) } ?? Expectation()
        let timeout = f["timeout"].flatMap { duration($0) }
        let interval = f["interval"].flatMap { duration($0) }
        guard let command, let expect else { return nil }
        return Condition(command: command, expect: expect, timeout: timeout,
                         interval: interval ?? (polled && timeout != nil ? .seconds(5) : nil), location: node.location)
    }

    private mutating func expectation(_ node: Node) -> Expectation? {
        guard let f = fields(node, of: "'expect'", allowed: Self.expectKeys) else { return nil }
        var e = Expectation()
        var ok = true
        func track<T>(_ value: T?) -> T? {
            if value == nil { ok = false }
            return value
        }
        if let n = f["exit"] { e.exit = track(int(n, atLeast: 0)) ?? 0 }
        if let n = f["stdout_contains"] { e.stdoutContains = track(template(n)) }
        if let n = f["stdout_not_contains"] { e.stdoutNotContains = track(template(n)) }
        if let n = f["stderr_contains"] { e.stderrContains = track(template(n)) }
        if let n = f["stdout_matches"] { e.stdoutMatches = track(regex(n)) }
        if let n = f["stdout_not_matches"] { e.stdoutNotMatches = track(regex(n)) }
        if let n = f["stderr_matches"] { e.stderrMatches = track(regex(n)) }
        if let n = f["json"] { e.json = track(jsonExpectation(n)) }
        return ok ? e : nil
    }

    private mutating func jsonExpectation(_ node: Node) -> JSONExpectation? {
        guard let f = fields(node, of: "'json'", allowed: ["path", "equals", "in", "exists"], required: ["path"]) else { return nil }
        let path = f["path"].flatMap { jsonPath($0) }
        let tests = ["equals", "in", "exists"].filter(f.has)
        guard tests.count == 1, let key = tests.first, let value = f[key] else {
            error(tests.isEmpty ? "'json' needs one of 'equals', 'in' or 'exists'"
                      : "'json' takes one of 'equals', 'in' or 'exists', found \(tests.map { "'\($0)'" }.joined(separator: " and "))",
                  at: node.location)
            return nil
        }
        let test: JSONExpectation.Test?
        switch key {
        case "equals":
            test = template(value).map(JSONExpectation.Test.equals)
        case "in":
            if let items = value.items {
                let ts = items.compactMap { template($0) }
                test = ts.count == items.count ? .oneOf(ts) : nil
            } else {
                error("expected a list for 'in', found \(Self.found(value))", at: value.location)
                test = nil
            }
        default:
            test = bool(value).map(JSONExpectation.Test.exists)
        }
        guard let path, let test else { return nil }
        return JSONExpectation(path: path, test: test)
    }
}
