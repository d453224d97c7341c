import RunbookYAML

/// One node of the step graph: one action plus the fields every step may have.
public struct Step: Sendable, Hashable {
    /// What happens when the step fails.
    public enum FailurePolicy: String, Sendable, Hashable, Codable {
        /// Run the rollbacks of completed steps in reverse completion order (the default).
        case rollback
        /// Halt and leave everything as it is, for a human and `resume`.
        case stop
        /// Record the failure and go on.
        case `continue`
    }

    public var id: String
    public var title: String?
    public var action: Action
    /// Where the step runs: a host, a group, `group[i]`; nil means the machine running `runbook`.
    public var on: Template?
    /// Explicit dependencies; nil means "after the previous step" (the first step has none).
    public var needs: [StepReference]?
    /// An expression; the step is skipped when it is false.
    public var when: Template?
    public var forEach: ForEach?
    public var timeout: TimeSpan?
    public var retries: Retries?
    public var capture: [Capture]
    public var rollback: [RollbackAction]
    /// A post-condition checked after `run` succeeds; the step fails if it never holds.
    public var verify: Condition? {
        get { verifyBox?.value }
        set { verifyBox = newValue.map(Boxed.init) }
    }
    /// `verify` out of line: few steps have one, and inline it made every step 313 bytes larger.
    private var verifyBox: Boxed<Condition>?
    /// Safe to run again after a crash left it in flight.
    public var idempotent: Bool
    public var onFailure: FailurePolicy
    /// The guide section this step encodes.
    public var source: String?
    public var location: SourceLocation
    /// `max_parallel` as written, also for a group `on` without `for_each` (the planner knows which hosts are groups).
    public var maxParallel: Int? = nil
    /// `max_failures` as written, also for a group `on` without `for_each`.
    public var maxFailures: Int? = nil

    public init(
        id: String, title: String? = nil, action: Action, on: Template? = nil, needs: [StepReference]? = nil,
        when: Template? = nil, forEach: ForEach? = nil, timeout: TimeSpan? = nil, retries: Retries? = nil,
        capture: [Capture] = [], rollback: [RollbackAction] = [], verify: Condition? = nil,
        idempotent: Bool = false, onFailure: FailurePolicy = .rollback, source: String? = nil,
        location: SourceLocation
    ) {
        self.id = id
        self.title = title
        self.action = action
        self.on = on
        self.needs = needs
        self.when = when
        self.forEach = forEach
        self.timeout = timeout
        self.retries = retries
        self.capture = capture
        self.rollback = rollback
        self.verifyBox = verify.map(Boxed.init)
        self.idempotent = idempotent
        self.onFailure = onFailure
        self.source = source
        self.location = location
    }

    /// True when the step can change state (`run`, file actions, `use`); `check`, `wait` and
    /// `confirm` are read-only and may run during a dry-run probe.
    public var changesState: Bool {
        switch action {
        case .run, .file, .use: true
        case .check, .wait, .confirm: false
        }
    }
}

/// A step id as written in `needs`, with its position for "unknown step" errors.
public struct StepReference: Sendable, Hashable {
    public var id: String
    public var location: SourceLocation
    public init(_ id: String, at location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// `for_each`: run the step once per item, in parallel up to `maxParallel`.
public struct ForEach: Sendable, Hashable {
    /// The items: a literal list, or an expression that evaluates to a list (`${{ hosts.masters }}`).
    public enum Items: Sendable, Hashable {
        case list([Template])
        case expression(Template)
    }
    public var items: Items
    /// At most this many items at once; nil means all at once (bounded by `--parallel`).
    public var maxParallel: Int?
    /// Stop launching items once more than this many failed; nil means 0 (first failure stops).
    public var maxFailures: Int?
    public var location: SourceLocation

    public init(items: Items, maxParallel: Int? = nil, maxFailures: Int? = nil, location: SourceLocation) {
        self.items = items
        self.maxParallel = maxParallel
        self.maxFailures = maxFailures
        self.location = location
    }
}

/// `retries`: how often and how patiently to try a failing action again.
public struct Retries: Sendable, Hashable {
    /// Total attempts including the first (so `attempts: 3` means up to two retries).
    public var attempts: Int
    public var delay: TimeSpan
    /// Each delay is the previous one times this factor (1 = constant).
    public var backoff: Double
    public init(attempts: Int, delay: TimeSpan = .seconds(0), backoff: Double = 1) {
        self.attempts = attempts
        self.delay = delay
        self.backoff = backoff
    }
}

/// `capture`: a named output taken from a command's stdout, used later as `steps.<id>.outputs.<name>`.
public struct Capture: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A regular expression; the value is the first capture group, or the whole match without groups.
        case regex(String)
        /// A JSON path such as `$.items[0].metadata.name` into stdout parsed as JSON.
        case jsonPath(String)
        /// The whole stdout, trailing newline removed.
        case stdout
    }
    public var name: String
    public var source: Source
    public var location: SourceLocation
    public init(name: String, source: Source, location: SourceLocation) {
        self.name = name
        self.source = source
        self.location = location
    }
}
