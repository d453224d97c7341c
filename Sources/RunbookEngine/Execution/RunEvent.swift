import RunbookYAML
import RunbookCore

/// Something that happened during a run, as the engine reports it.
///
/// The journal stamps each event with sequence number, time, operator, run id and the hash
/// chain; replaying the events rebuilds `RunState`, which is the only source of truth for resume.
public struct RunEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable {
        case runStarted, runResumed, runFinished
        /// One step instance (a step on one host / for one item) begins; fsynced before anything runs.
        case stepStarted
        /// One try of a step instance's command (retries make several).
        case attemptStarted, attemptFinished
        /// The local process of an attempt exists and waits to run the command (`process`
        /// names it): written before the command runs anything, so a later run can find what a
        /// killed `runbook` left running.
        case attemptProcess
        case stepSucceeded, stepFailed, stepSkipped
        /// A file action saved the previous contents of a file before changing it.
        case fileSnapshot
        case confirmAsked, confirmAnswered
        /// The operator chose `--rerun`/`--skip`/`--from` on resume, or broke a lock.
        case operatorDecision
        case rollbackStarted, rollbackStepStarted, rollbackStepSucceeded, rollbackStepFailed, rollbackFinished
        /// SIGINT/SIGTERM: the run stopped and can be resumed.
        case runInterrupted
        case note
    }

    public var kind: Kind
    /// The step instance: `id`, `id@host`, or `id[item]@host` (see `StepInstance.key`).
    public var step: String?
    public var host: String?
    public var attempt: Int?
    /// The command exactly as run, secrets replaced by `***`.
    public var command: String?
    public var status: ExitStatus?
    public var durationMilliseconds: Int?
    public var stdout: OutputDigest?
    public var stderr: OutputDigest?
    /// Captured outputs (never secret values).
    public var outputs: [String: Value]?
    /// Free text: a failure reason, an operator's answer, the run's final status.
    public var message: String?
    /// For `fileSnapshot`: the file on the host and the snapshot file in the run directory
    /// (nil snapshot means the file did not exist before).
    public var path: String?
    public var snapshot: String?
    /// For `runStarted`: SHA-256 of each file the run directory was set up with (`run.json`,
    /// `params.json`, the pinned runbooks …), by path relative to the run directory, so
    /// `audit verify` can tell whether they changed since.
    public var files: [String: String]?
    /// For `attemptProcess`: the process the attempt runs as.
    public var process: ProcessIdentity?

    public init(_ kind: Kind, step: String? = nil, host: String? = nil, attempt: Int? = nil, command: String? = nil,
                status: ExitStatus? = nil, durationMilliseconds: Int? = nil, stdout: OutputDigest? = nil,
                stderr: OutputDigest? = nil, outputs: [String: Value]? = nil, message: String? = nil,
                path: String? = nil, snapshot: String? = nil, files: [String: String]? = nil,
                process: ProcessIdentity? = nil) {
        self.kind = kind
        self.step = step
        self.host = host
        self.attempt = attempt
        self.command = command
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.stdout = stdout
        self.stderr = stderr
        self.outputs = outputs
        self.message = message
        self.path = path
        self.snapshot = snapshot
        self.files = files
        self.process = process
    }
}

/// Size and SHA-256 of one output stream of one attempt, and the file it was saved to.
public struct OutputDigest: Sendable, Hashable, Codable {
    public var bytes: Int
    public var sha256: String
    /// Relative to the run directory.
    public var file: String?
    public init(bytes: Int, sha256: String, file: String? = nil) {
        self.bytes = bytes
        self.sha256 = sha256
        self.file = file
    }
}

/// Where the engine sends events. The journal implements it (fsync at step boundaries);
/// tests use an in-memory recorder.
public protocol EventRecorder: Sendable {
    /// Records an event durably before returning when `kind` is a step boundary.
    /// - Throws: when the event could not be made durable; the engine then stops (never runs blind).
    func record(_ event: RunEvent) async throws

    /// Group commit, first half: appends the event in order and returns the sequence number to
    /// pass to `makeDurable(through:)`, or nil when nothing remains to wait for. The engine
    /// writes one event at a time (so its state follows the journal's order) but waits for
    /// durability concurrently, so parallel instances share one fsync.
    func write(_ event: RunEvent) async throws -> Int?

    /// Group commit, second half: returns once every line up to `sequence` is durable.
    /// - Throws: when the lines could not be made durable; the engine then stops.
    func makeDurable(through sequence: Int) async throws

    /// Whether the engine may go on after a step's end line is written, before it is durable
    /// (its fsync is then shared with the next step's start line). A store where a line whose
    /// write failed can still appear later says no (etcd: a proposal that timed out may commit
    /// once quorum is back): there the next start line must wait, or a resume after the failure
    /// would find a step in flight whose command never ran.
    var defersEndLines: Bool { get }
}

extension EventRecorder {
    /// Records the whole event at once: recorders without group commit.
    public func write(_ event: RunEvent) async throws -> Int? {
        try await record(event)
        return nil
    }

    /// Nothing to wait for: `write` already recorded the event durably.
    public func makeDurable(through sequence: Int) async throws {}

    /// Every line waited for, unless the recorder says otherwise.
    public var defersEndLines: Bool { false }
}
