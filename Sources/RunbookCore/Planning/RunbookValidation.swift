import RunbookYAML

/// Everything `validate` checks without params: the file loads, the graph has no cycles or
/// unknown ids, expressions refer to things that exist and run before, and every `use`d
/// sub-runbook is found, gets known params and is itself valid.
public struct RunbookValidation {
    /// A runbook together with the sub-runbooks it uses (keyed by resolved path).
    public struct Checked: Sendable {
        public var runbook: Runbook
        public var subRunbooks: [String: Runbook]
    }

    /// Loads a runbook file (the YAML loader; a fake in tests).
    public var load: UseResolver.Load

    public init(load: @escaping UseResolver.Load) { self.load = load }

    /// Loads and checks `file`.
    /// - Parameter inventory: when given, `hosts.<group>` references are checked against it.
    /// - Throws: `DiagnosticError` with every error of the first stage that failed (load, then checks).
    public func check(file: String, inventory: Inventory? = nil) throws(DiagnosticError) -> Checked {
        let runbook = try load(file)
        let checker = RunbookChecker(inventory: inventory)
        let problems = checker.check(runbook).filter { $0.severity == .error }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        let subRunbooks = try UseResolver(load: load).resolve(runbook)
        let subProblems = subRunbooks.keys.sorted()
            .flatMap { subRunbooks[$0].map(checker.check) ?? [] }
            .filter { $0.severity == .error }
        if !subProblems.isEmpty { throw DiagnosticError(subProblems) }
        return Checked(runbook: runbook, subRunbooks: subRunbooks)
    }
}
