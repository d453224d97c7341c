import RunbookYAML

/// Everything about a run that is not the runbook: where state goes, who runs it, the shared
/// audit log, lock handling, engine options, and the swappable services the engine talks to.
public struct RunSettings: Sendable {
    public var stateDirectory: String
    public var operatorName: String
    /// `--audit-log`: every journal line is also appended to this shared file.
    public var auditLog: String?
    /// `--break-lock`: take a lock scope whose holder is gone (journaled).
    public var breakLock: Bool
    /// `--kill-orphans`: stop the commands a killed earlier run left running instead of waiting.
    public var killOrphans: Bool
    /// Tells the operator what the session waits for (the CLI prints it on stderr).
    public var notice: @Sendable (String) -> Void
    public var engine: EngineOptions
    public var transports: any TransportProvider
    public var approver: any Approver
    public var reporter: any ProgressReporter
    /// Where runs, journals and locks live; nil: the local state directory `stateDirectory`.
    /// For a team store, `stateDirectory` is its local working copy.
    public var store: (any StateBackend)?

    /// `store`, else the local state directory.
    public var backend: any StateBackend { store ?? LocalStateBackend(stateDirectory: stateDirectory) }

    public init(stateDirectory: String, operatorName: String, auditLog: String? = nil, breakLock: Bool = false,
                engine: EngineOptions = EngineOptions(), transports: any TransportProvider,
                approver: any Approver, reporter: any ProgressReporter, killOrphans: Bool = false,
                notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.stateDirectory = stateDirectory
        self.operatorName = operatorName
        self.auditLog = auditLog
        self.breakLock = breakLock
        self.killOrphans = killOrphans
        self.notice = notice
        self.engine = engine
        self.transports = transports
        self.approver = approver
        self.reporter = reporter
    }
}

/// Why a run could not start or resume; each maps to an exit code in the CLI.
public enum SessionError: Error, Sendable {
    /// Another run holds the run or its lock scope (exit 5).
    case locked(Diagnostic)
    /// Invalid input: unknown run, changed runbook without `--use-current`, a decision the
    /// operator must make, a missing secret (exit 2).
    case invalid([Diagnostic])
    /// The run directory or journal could not be written (exit 1: nothing ran).
    case io(String)

    /// The diagnostics to print.
    public var diagnostics: [Diagnostic] {
        switch self {
        case .locked(let d): [d]
        case .invalid(let ds): ds
        case .io(let message): [.error(message, at: nil)]
        }
    }
}

/// A run's id, its directory and how it ended.
public struct SessionResult: Sendable {
    public var runID: String
    public var directory: String
    public var outcome: RunOutcome
}
