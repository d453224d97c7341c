import RunbookYAML
import RunbookCore

/// Everything a step needs to run, shared by every task of one run.
struct ExecutionEnvironment: Sendable {
    var subRunbooks: [String: Runbook]
    var inventory: Inventory
    var transports: any TransportProvider
    var approver: any Approver
    var reporter: any ProgressReporter
    var outputs: any OutputStore
    var options: EngineOptions
    var coordinator: RunCoordinator
    var permits: Permits
    var renderer = TemplateRenderer()
    /// The resolution `plan` shares: hosts, items, `when`, commands, sub-runbook params.
    var resolver: StepResolver { StepResolver(inventory: inventory) }

    /// The context expressions of `scope` see right now.
    func context(for scope: RunScope, host: InventoryHost? = nil, item: Value? = nil) async -> EvaluationContext {
        EvaluationContext(params: scope.params, secretParams: scope.secretParams,
                          steps: await coordinator.stepContexts(scope: scope.prefix),
                          inventory: inventory, item: item, host: host)
    }

    func render(_ template: Template, _ context: EvaluationContext, _ mode: TemplateRenderer.Mode) throws(Diagnostic)
        -> TemplateRenderer.Rendered
    {
        switch mode {
        case .shell: try resolver.command(template, in: context)
        case .text: try resolver.text(template, in: context)
        case .regex, .replacement: try renderer.render(template, in: context, mode: mode)
        }
    }
}
