import ArgumentParser
import RunbookEngine
import RunbookTerminal

/// `runbook runs`: the runs in the state directory, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs, newest first.",
        discussion: """
            Each run's status is rebuilt from its journal. A run whose lock a live process
            holds (on any machine, with a team store) is running, and LOCK HELD BY names that
            process: its pid, machine and operator.

            Examples:
              runbook runs
              runbook runs --state-dir /var/lib/runbook
            """)

    @OptionGroup var state: StateDirectoryOptions

    func run() async throws {
        var backend: (any StateBackend)?
        try reportingFailures { backend = try state.pulledBackend(nil) }
        guard let backend else { return }
        let runs = RunDirectory.list(stateDirectory: backend.stateDirectory)
        guard !runs.isEmpty else {
            print("no runs in \(backend.location)\(backend is LocalStateBackend ? "/runs" : "")")
            return
        }
        var table = TextTable(header: ["RUN", "RUNBOOK", "STATUS", "STARTED", "OPERATOR", "LOCK HELD BY"])
        // The backend says who holds each lock: a run driven from another machine is running, not interrupted.
        let locks = backend.probeRunLocks(runs.map(\.runID))
        for directory in runs {
            let s = RunSummary.load(directory, lock: locks[directory.runID] ?? .missing)
            table.rows.append([s.runID, s.runbook, s.status, s.started, s.operatorName, s.holder.map(HolderText.describe) ?? ""])
        }
        print(table.render())
    }
}
