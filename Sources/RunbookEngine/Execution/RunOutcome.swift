import RunbookCore

/// How a run ended, for the CLI to print and map to an exit code.
public struct RunOutcome: Sendable, Hashable {
    /// The run's final status (as replay of the journal would rebuild it).
    public var status: RunState.Status
    /// The state at the end, including completion order and captured outputs.
    public var state: RunState
    /// The step instance whose failure ended the run (`StepInstance.key`), if one did.
    public var failedStep: String?
    /// Why the run stopped, in one line (a failure reason, "interrupted", "confirmation refused").
    public var reason: String?
    /// When a rollback failed: the rollbacks that did not run or failed, most recent first,
    /// each `key: what` — the list a human must work through.
    public var leftForHuman: [String]
    /// Step instances that failed under `on_failure: continue`.
    public var continuedFailures: [String]

    public init(status: RunState.Status, state: RunState, failedStep: String? = nil, reason: String? = nil,
                leftForHuman: [String] = [], continuedFailures: [String] = []) {
        self.status = status
        self.state = state
        self.failedStep = failedStep
        self.reason = reason
        self.leftForHuman = leftForHuman
        self.continuedFailures = continuedFailures
    }

    /// 0 done, 1 failed (rolled back, or stopped by `on_failure: stop`), 3 rollback incomplete,
    /// 4 stopped and resumable (interrupted, approval refused or impossible).
    public var exitCode: Int32 {
        switch status {
        case .succeeded: 0
        case .rolledBack, .failed: 1
        case .rollbackFailed: 3
        case .interrupted, .running: 4
        }
    }
}
