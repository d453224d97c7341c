import RunbookCore

/// Where a run's state lives: its locks, its journal, its seal, and the runs a reader sees.
///
/// Two implementations: `LocalStateBackend` (the state directory, today's files and flocks) and
/// `EtcdStateBackend` (a team store on etcd v3). A session always works on a local run
/// directory (`stateDirectory`): for the local backend that is the state itself; for etcd it
/// is a working copy, and the journal, locks and every file a journal line names live in etcd.
public protocol StateBackend: Sendable {
    /// Where the state is, as the operator named it.
    var location: StateLocation { get }
    /// The local directory with `runs/`: the state itself, or the store's working copy.
    var stateDirectory: String { get }
    /// Throws a clear error when the store cannot be reached (nothing has run then).
    func checkAvailable() throws
    /// Brings the store's runs (all of them, or one id or id prefix) into `stateDirectory` for readers.
    func pull(run: String?) throws
    /// Locks a run so two processes never drive it.
    /// - Parameter breakLock: take the run although the holder that died holding it may have
    ///   left a command running where this machine cannot see (the team store; journaled).
    /// - Throws: `LockBusy` when another process has it, or (without `breakLock`) when its
    ///   previous holder died on another machine while a command of the run was running.
    func lockRun(_ directory: RunDirectory, holder: LockHolder, breakLock: Bool) throws -> any StateLock
    /// Locks a `lock:` scope across runs and runbooks.
    /// - Throws: `LockBusy` when a live run holds it.
    func lockScope(_ scope: String, holder: LockHolder, breakLock: Bool) throws -> any StateLock
    /// The journal of a run, continuing its sequence and chain, written while `runLock` is held.
    func journal(_ directory: RunDirectory, operatorName: String, scrubber: SecretScrubber, auditLog: String?,
                 runLock: any StateLock) throws -> any RunJournal
    /// Records how the journal ended (`RunSeal`).
    func seal(_ seal: RunSeal, directory: RunDirectory) throws
    /// Whether a live process holds a run's lock now, and its record: what `runs` and `status`
    /// need to tell a run going on (on any machine) from one that was interrupted.
    func probeRunLock(_ run: String) -> LockProbe
    /// `probeRunLock` of many runs at once (`runs`); the default asks about each in turn.
    func probeRunLocks(_ runs: [String]) -> [String: LockProbe]
}

extension StateBackend {
    /// `lockRun` without `--break-lock`.
    public func lockRun(_ directory: RunDirectory, holder: LockHolder) throws -> any StateLock {
        try lockRun(directory, holder: holder, breakLock: false)
    }

    /// `probeRunLock` of each run in turn.
    public func probeRunLocks(_ runs: [String]) -> [String: LockProbe] {
        Dictionary(runs.map { ($0, probeRunLock($0)) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A held lock: released explicitly, or when its holder dies.
public protocol StateLock: AnyObject, Sendable {
    /// `run <id>` or `lock scope 'name'`.
    var label: String { get }
    /// The `operatorDecision` event to journal when `--break-lock` displaced a holder.
    var brokenLockEvent: RunEvent? { get }
    /// The record left by an earlier holder that died (the lock itself was free).
    var previousHolder: LockHolder? { get }
    func release()
}

/// A run's journal as the session drives it.
public protocol RunJournal: EventRecorder {
    var lastSequence: Int { get async }
    var lastHash: String { get async }
    func close() async
}

extension RunLock: StateLock {}
extension JournalWriter: RunJournal {}

/// The state directory (`.runbook`): runs, journals and flocks on this machine's file system.
public struct LocalStateBackend: StateBackend {
    public let stateDirectory: String

    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    public var location: StateLocation { .directory(stateDirectory) }

    public func checkAvailable() throws {}

    public func pull(run: String?) throws {}

    /// A run lock is a flock on this machine: a holder that died left its commands here, where
    /// `OrphanGuard` finds them, so there is nothing for `breakLock` to override.
    public func lockRun(_ directory: RunDirectory, holder: LockHolder, breakLock: Bool) throws -> any StateLock {
        try RunLock.lockRun(directory, holder: holder)
    }

    public func lockScope(_ scope: String, holder: LockHolder, breakLock: Bool) throws -> any StateLock {
        try RunLock.lockScope(scope, stateDirectory: stateDirectory, holder: holder, breakLock: breakLock)
    }

    public func journal(_ directory: RunDirectory, operatorName: String, scrubber: SecretScrubber, auditLog: String?,
                        runLock: any StateLock) throws -> any RunJournal {
        try JournalWriter(path: directory.journalPath, run: directory.runID, operatorName: operatorName,
                          scrubber: scrubber, auditLogPath: auditLog)
    }

    public func seal(_ seal: RunSeal, directory: RunDirectory) throws {
        try seal.write(to: directory)
    }

    public func probeRunLock(_ run: String) -> LockProbe {
        LockProbe.look(at: RunDirectory(path: "\(stateDirectory)/runs/\(run)", runID: run).lockPath)
    }
}
