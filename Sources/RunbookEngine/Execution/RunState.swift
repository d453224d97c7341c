import RunbookCore

/// Where a run is, rebuilt from its journal. The engine starts from it on resume.
public struct RunState: Sendable, Hashable {
    /// The run as a whole.
    public enum Status: String, Sendable, Hashable, Codable {
        case running
        case succeeded
        /// A step failed and the rollbacks all ran (exit 1).
        case rolledBack
        /// A step failed with `on_failure: stop`, or failed without rollback (exit 1, resumable).
        case failed
        /// A rollback failed: a human must look (exit 3).
        case rollbackFailed
        /// SIGINT/SIGTERM, a refused or unanswerable `confirm` (exit 4, resumable).
        case interrupted
    }

    /// One step instance's state.
    public enum StepStatus: String, Sendable, Hashable, Codable {
        /// Started but never finished: the process died or was interrupted mid-step.
        case inFlight
        case succeeded, failed, skipped
        case rolledBack
        case rollbackFailed
    }

    /// A step instance as replay sees it.
    public struct StepRecord: Sendable, Hashable {
        public var key: String
        public var status: StepStatus
        public var host: String?
        public var attempts: Int
        public var outputs: [String: Value]
        /// The step's rollback started (`rollbackStepStarted`) but has not ended: the process
        /// died or was interrupted in the middle of undoing it.
        public var rollbackInFlight: Bool
        public init(key: String, status: StepStatus, host: String? = nil, attempts: Int = 0, outputs: [String: Value] = [:],
                    rollbackInFlight: Bool = false) {
            self.key = key
            self.status = status
            self.host = host
            self.attempts = attempts
            self.outputs = outputs
            self.rollbackInFlight = rollbackInFlight
        }
    }

    public var status: Status
    /// Step instances by key (`StepInstance.key`).
    public var steps: [String: StepRecord]
    /// Keys of instances that succeeded, in completion order; rollback walks it backwards.
    public var completionOrder: [String]
    /// File snapshots by step instance key: (path on host, snapshot file or nil when the file was new).
    public var snapshots: [String: [FileSnapshotRecord]]
    /// True once a rollback has started (resume then continues the rollback, not the steps).
    public var rollingBack: Bool

    public init(status: Status = .running, steps: [String: StepRecord] = [:], completionOrder: [String] = [],
                snapshots: [String: [FileSnapshotRecord]] = [:], rollingBack: Bool = false) {
        self.status = status
        self.steps = steps
        self.completionOrder = completionOrder
        self.snapshots = snapshots
        self.rollingBack = rollingBack
    }
}

/// A file's previous contents, saved before a file action changed it.
public struct FileSnapshotRecord: Sendable, Hashable, Codable {
    public var host: String
    public var path: String
    /// The snapshot file relative to the run directory; nil when the file did not exist before.
    public var snapshot: String?
    public init(host: String, path: String, snapshot: String?) {
        self.host = host
        self.path = path
        self.snapshot = snapshot
    }
}

/// Names one execution of a step: the step on one host, for one `for_each` item.
public struct StepInstance: Sendable, Hashable {
    public var stepID: String
    public var host: String?
    /// The `for_each` item as text (nil without `for_each`).
    public var item: String?
    public init(stepID: String, host: String? = nil, item: String? = nil) {
        self.stepID = stepID
        self.host = host
        self.item = item
    }

    /// `id`, `id@host`, `id[item]` or `id[item]@host`; the journal's `step` field.
    public var key: String {
        var k = stepID
        if let item { k += "[\(item)]" }
        if let host { k += "@\(host)" }
        return k
    }
}
