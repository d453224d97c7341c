import RunbookCore

/// A runbook being executed with its own params: the top-level runbook, or a sub-runbook run
/// by `use` whose step ids are namespaced `parent/child`.
struct RunScope: Sendable {
    /// `""` at top level, `"parent/"` inside a `use` step named `parent`.
    var prefix: String
    var runbook: Runbook
    var params: [String: Value]
    var secretParams: Set<String>

    /// The namespaced id of one of this scope's steps.
    func qualified(_ stepID: String) -> String { prefix + stepID }

    /// Applies param defaults for params not given.
    static func resolvedParams(_ given: [String: Value], for runbook: Runbook) -> [String: Value] {
        var params = given
        for p in runbook.params where params[p.name] == nil {
            if let d = p.defaultValue { params[p.name] = d }
        }
        return params
    }
}

/// A step instance that completed, remembered so its rollback can run later in its own context.
struct CompletedInstance: Sendable {
    var key: String
    var step: Step
    /// The context the instance ran in (params, earlier outputs, host, item), for rendering its rollback.
    var context: EvaluationContext
    var host: InventoryHost
}

/// The first failure that stops a run.
struct RunHalt: Sendable {
    var step: String
    var reason: String
    var policy: Step.FailurePolicy
}
