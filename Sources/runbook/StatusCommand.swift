import ArgumentParser
import RunbookEngine
import RunbookTerminal

/// `runbook status RUN`: where a run is and how to resume it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run's state: each step instance, what is left, how to resume.",
        discussion: """
            RUN is a run id, a unique prefix of one, or a run directory path. The state is
            rebuilt from the journal; a torn last line (the process died mid-write) is
            ignored and noted.

            Examples:
              runbook status 20261127-205216-drain-node-1a2b
              runbook status 20261127-2052
            """)

    @OptionGroup var state: StateDirectoryOptions
    @Argument(help: "The run: id, id prefix or directory.")
    var run: String

    func run() async throws {
        try reportingFailures {
            let (directory, backend) = try state.openRunWithBackend(run)
            let report = try RunReport.load(directory, lock: backend.probeRunLock(directory.runID))
            print(StatusRenderer().render(report))
        }
    }
}
