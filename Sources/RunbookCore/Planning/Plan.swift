/// What `runbook plan` shows: every step in order with its parallel group, hosts, exact rendered
/// commands (secrets redacted), rollbacks, conditions and file diffs. Nothing in it has run.
///
/// Encoded by `PlanJSON` as the stable `--output json` structure (field names below are the JSON keys).
public struct Plan: Sendable, Hashable, Codable {
    /// The runbook's name, title, guide section and file.
    public var runbook: String
    /// The runbook's title.
    public var title: String?
    /// The guide section it encodes.
    public var source: String?
    /// The file it was read from.
    public var file: String
    /// Param values used, secrets as `***`, sorted by name.
    public var params: [PlannedParam]
    /// The inventory file, if one was given.
    public var inventory: String?
    /// The lock scope the run will hold, rendered (nil without `lock`).
    public var lock: String?
    /// Step ids per parallel group, in order (sub-runbook steps as `parent/child`).
    public var levels: [[String]]
    /// Every step in run order.
    public var steps: [PlannedStep]

    public init(runbook: String, title: String?, source: String?, file: String, params: [PlannedParam],
                inventory: String?, lock: String? = nil, levels: [[String]], steps: [PlannedStep]) {
        self.runbook = runbook
        self.title = title
        self.source = source
        self.file = file
        self.params = params
        self.inventory = inventory
        self.lock = lock
        self.levels = levels
        self.steps = steps
    }
}

/// A param as the plan shows it.
public struct PlannedParam: Sendable, Hashable, Codable {
    /// The param's name.
    public var name: String
    /// The value as text (`***` for secrets).
    public var value: String
    /// True for secret params.
    public var secret: Bool
    public init(name: String, value: String, secret: Bool) {
        self.name = name
        self.value = value
        self.secret = secret
    }
}

/// One step of the plan.
public struct PlannedStep: Sendable, Hashable, Codable {
    /// The id; `parent/child` for steps of a sub-runbook.
    public var id: String
    /// The step's title.
    public var title: String?
    /// The guide section it encodes.
    public var source: String?
    /// `file:line:column` of the step.
    public var location: String
    /// `run`, `check`, `wait`, `confirm`, `use`, `edit` …
    public var action: String
    /// True for `run`, file actions and `use`; false for read-only steps.
    public var changesState: Bool
    /// Index of the parallel group (`Plan.levels`).
    public var level: Int
    /// The steps it waits for directly.
    public var dependsOn: [String]
    /// Host names the step runs on (`localhost` for the local machine).
    public var hosts: [String]
    /// `for_each` items as text (redacted); nil without `for_each`.
    public var forEach: [String]?
    /// The `when` expression and its value where known.
    public var when: PlannedCondition?
    /// What happens, per host and item.
    public var invocations: [PlannedInvocation]
    /// Rollback commands or actions, per host, as text.
    public var rollback: [PlannedInvocation]
    /// The `verify` post-condition, per host.
    public var verify: [PlannedInvocation]
    /// `name <- regex '…'` / `json '…'` / `stdout`.
    public var captures: [String]
    /// The step's timeout (`10m`).
    public var timeout: String?
    /// `3 attempts, 10s apart (backoff ×2)`.
    public var retries: String?
    /// `rollback`, `stop` or `continue`.
    public var onFailure: String
    /// Safe to re-run after a crash.
    public var idempotent: Bool
    /// For steps expanded from `use`: the using step's id.
    public var parent: String?
    /// `max_parallel`: at most this many hosts/items at once (nil: the run's `--parallel` limit).
    public var maxParallel: Int?
    /// `max_failures`: hosts/items that may fail before the step fails (nil: none).
    public var maxFailures: Int?

    public init(id: String, title: String?, source: String?, location: String, action: String, changesState: Bool,
                level: Int, dependsOn: [String], hosts: [String], forEach: [String]?, when: PlannedCondition?,
                invocations: [PlannedInvocation], rollback: [PlannedInvocation], verify: [PlannedInvocation] = [], captures: [String], timeout: String?,
                retries: String?, onFailure: String, idempotent: Bool, parent: String?, maxParallel: Int? = nil,
                maxFailures: Int? = nil) {
        self.id = id
        self.title = title
        self.source = source
        self.location = location
        self.action = action
        self.changesState = changesState
        self.level = level
        self.dependsOn = dependsOn
        self.hosts = hosts
        self.forEach = forEach
        self.when = when
        self.invocations = invocations
        self.rollback = rollback
        self.verify = verify
        self.captures = captures
        self.timeout = timeout
        self.retries = retries
        self.onFailure = onFailure
        self.idempotent = idempotent
        self.parent = parent
        self.maxParallel = maxParallel
        self.maxFailures = maxFailures
    }
}

/// A `when` condition in the plan.
public struct PlannedCondition: Sendable, Hashable, Codable {
    /// The expression as written.
    public var expression: String
    /// true/false when known now; nil when it is decided at run time.
    public var value: Bool?
    public init(expression: String, value: Bool?) {
        self.expression = expression
        self.value = value
    }
}

/// One execution of a step (or of a rollback) on one host for one item.
public struct PlannedInvocation: Sendable, Hashable, Codable {
    /// The host name (`localhost` for the local machine).
    public var host: String
    /// The `for_each` item as text (redacted), if any.
    public var item: String?
    /// The exact command, secrets redacted (`run`, `check`, `wait`, rollback commands).
    public var command: String?
    /// What a non-command action does (`confirm` prompt, expectations, file action, `use`).
    public var detail: String?
    /// A unified diff for file actions when the current file could be read.
    public var diff: String?
    /// True when the step's `when` is false for this host and item (it will not run there); absent otherwise.
    public var skipped: Bool?

    public init(host: String, item: String? = nil, command: String? = nil, detail: String? = nil, diff: String? = nil,
                skipped: Bool? = nil) {
        self.host = host
        self.item = item
        self.command = command
        self.detail = detail
        self.diff = diff
        self.skipped = skipped
    }
}
