import RunbookYAML

/// The whole road from a runbook file to a `Plan`, in one call for the CLI (`plan`, `run --dry-run`):
/// load, inventory, static checks, params, sub-runbooks, plan. Every stage's problems are thrown
/// as one `DiagnosticError`; later stages run only when the earlier ones succeeded.
public struct PlanPipeline {
    /// Loads a runbook file (the YAML loader; a fake in tests).
    public var load: UseResolver.Load
    /// Resolves params (reads `RUNBOOK_SECRET_<NAME>` from the process environment by default).
    public var paramResolver: ParamResolver
    /// Current file contents on a host, for diffs of file actions.
    public var fileReader: Planner.FileReader

    /// A pipeline with the given loader.
    public init(load: @escaping UseResolver.Load, paramResolver: ParamResolver = ParamResolver(),
                fileReader: @escaping Planner.FileReader = { _, _ in nil }) {
        self.load = load
        self.paramResolver = paramResolver
        self.fileReader = fileReader
    }

    /// The plan of the runbook at `file`.
    /// - Parameters:
    ///   - assignments: `--param name=value` flags as given.
    ///   - paramsFile: `--params-file`.
    ///   - inventoryPath: `--inventory`; without it every step must run locally.
    /// - Throws: `DiagnosticError` with every problem of the first stage that failed.
    public func plan(file: String, assignments: [String] = [], paramsFile: String? = nil,
                     inventoryPath: String? = nil) throws(DiagnosticError) -> Plan {
        var inventory = Inventory.empty
        if let inventoryPath { inventory = try InventoryLoader.load(path: inventoryPath) }
        let checked = try RunbookValidation(load: load).check(file: file, inventory: inventoryPath == nil ? nil : inventory)
        let runbook = checked.runbook, subRunbooks = checked.subRunbooks
        let params = try paramResolver.resolve(runbook, assignments: assignments, paramsFile: paramsFile)
        return try Planner().plan(runbook: runbook, params: params, inventory: inventory,
                                  subRunbooks: subRunbooks, fileReader: fileReader)
    }
}
