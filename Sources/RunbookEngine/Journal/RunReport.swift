import RunbookYAML
import RunbookCore

/// Everything the `runs`, `status` and `audit` commands show about one run, read from its directory.
public struct RunReport: Sendable {
    /// The run directory.
    public var directory: RunDirectory
    /// Its `run.json`.
    public var metadata: RunMetadata
    /// How many journal records were replayed.
    public var recordCount: Int
    /// Notes from reading the journal (a torn last line).
    public var notes: [Diagnostic]
    /// The state replay rebuilds.
    public var state: RunState
    /// Step ids of the pinned runbook in list order (empty when it cannot be parsed).
    public var stepIDs: [String]
    /// The process driving the run now, when its run lock is held by a live process: the
    /// journal of such a run has no end yet, but the run is going on, not interrupted.
    public var driver: LockHolder?
    /// True when a live process holds the run lock (`driver` may still be nil: unreadable record).
    public var isLive: Bool = false
    /// Files the journal names that are not in this directory because they stayed on the machine
    /// that ran the step (past a team store's cap), by relative path.
    public var keptElsewhere: [String: KeptElsewhere] = [:]

    /// Reads run.json, replays the journal and lists the pinned runbook's steps.
    /// - Parameter lock: the run lock as the state backend sees it (`StateBackend.probeRunLock`);
    ///   nil looks at the lock file in the run directory, which only a local state has.
    /// - Throws: `JournalError` when run.json or the journal cannot be read.
    public static func load(_ directory: RunDirectory, lock: LockProbe? = nil) throws -> RunReport {
        let metadata = try directory.metadata()
        let replayed = try JournalReader.replay(directory.journalPath, displayName: directory.journalPath)
        let pinned = "\(directory.path)/\(metadata.pinnedFile)"
        let root = try? YAMLParser().parse(contentsOf: pinned)
        let ids = root?["steps"]?.items?.compactMap { $0["id"]?.text } ?? []
        var report = RunReport(directory: directory, metadata: metadata, recordCount: replayed.records,
                               notes: replayed.notes, state: replayed.state, stepIDs: ids)
        report.keptElsewhere = KeptElsewhere.read(directory).filter { !PrivateFiles.exists("\(directory.path)/\($0.key)") }
        if case .held(let holder) = lock ?? LockProbe.look(at: directory.lockPath) {
            report.isLive = true
            report.driver = holder
            // Replay calls a journal without an end interrupted; a live holder says otherwise.
            if report.state.status == .interrupted { report.state.status = .running }
        }
        return report
    }

    /// Step ids of the runbook that the journal never saw start, in list order.
    public var notStarted: [String] {
        let seen = Set(state.steps.keys.map(StepKey.stepID(of:)))
        return stepIDs.filter { !seen.contains($0) }
    }

    /// True when `runbook resume` can continue this run.
    public var isResumable: Bool {
        if isLive { return false }
        return switch state.status {
        case .failed, .interrupted, .running: true
        case .rollbackFailed: true
        case .succeeded, .rolledBack: false
        }
    }
}

/// One row of `runbook runs`.
public struct RunSummary: Sendable, Hashable {
    /// The run id.
    public var runID: String
    /// The runbook name.
    public var runbook: String
    /// A `RunState.Status` raw value, or `unreadable` when the run directory is damaged.
    public var status: String
    /// RFC 3339 start time.
    public var started: String
    /// Who started the run.
    public var operatorName: String
    /// The process holding the run's lock now, when a live one does and its record is readable.
    public var holder: LockHolder?

    /// The summary of a run; a damaged run directory still gets a row.
    /// - Parameter lock: as for `RunReport.load`.
    public static func load(_ directory: RunDirectory, lock: LockProbe? = nil) -> RunSummary {
        let probe = lock ?? LockProbe.look(at: directory.lockPath)
        guard let report = try? RunReport.load(directory, lock: probe) else {
            let held: LockHolder? = if case .held(let holder) = probe { holder } else { nil }
            let metadata = try? directory.metadata()
            return RunSummary(runID: directory.runID, runbook: metadata?.runbook ?? "?", status: "unreadable",
                              started: metadata?.started ?? "?", operatorName: metadata?.operatorName ?? "?",
                              holder: held)
        }
        return RunSummary(runID: directory.runID, runbook: report.metadata.runbook,
                          status: report.state.status.rawValue, started: report.metadata.started,
                          operatorName: report.metadata.operatorName, holder: report.driver)
    }
}
