/// What expressions can see when they are evaluated: params, inventory, earlier steps' outputs,
/// the current `for_each` item and host.
public struct EvaluationContext: Sendable {
    /// Resolved param values (defaults applied).
    public var params: [String: Value]
    /// Names of params whose values are secret: rendering marks them so they can be redacted.
    public var secretParams: Set<String>
    /// Per step id: its outputs (captures) and status (`succeeded`, `failed`, `skipped` …).
    public var steps: [String: StepContext]
    public var inventory: Inventory
    /// The current `for_each` item.
    public var item: Value?
    /// The host the step runs on.
    public var host: InventoryHost?
    /// When true, references to values not known yet (captures of steps that have not run) render
    /// as a visible placeholder such as `<steps.x.outputs.y>` instead of failing: used by `plan`.
    public var allowUnknown: Bool

    public init(params: [String: Value] = [:], secretParams: Set<String> = [], steps: [String: StepContext] = [:],
                inventory: Inventory = .empty, item: Value? = nil, host: InventoryHost? = nil, allowUnknown: Bool = false) {
        self.params = params
        self.secretParams = secretParams
        self.steps = steps
        self.inventory = inventory
        self.item = item
        self.host = host
        self.allowUnknown = allowUnknown
    }

    /// A finished (or running) step as expressions see it.
    public struct StepContext: Sendable, Hashable {
        public var status: String
        public var outputs: [String: Value]
        /// Captures the step declares but has no value for: it was recorded as done on resume
        /// (its verify held, or `--skip`) without its command's output being read.
        public var unavailableOutputs: Set<String>
        public init(status: String, outputs: [String: Value] = [:], unavailableOutputs: Set<String> = []) {
            self.status = status
            self.outputs = outputs
            self.unavailableOutputs = unavailableOutputs
        }
    }
}
