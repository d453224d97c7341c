import ArgumentParser
import Foundation
import RunbookYAML
import RunbookEngine

/// `--state-dir`, shared by every command that reads or writes runs.
struct StateDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"),
            help: "Where runs are kept (default: $RUNBOOK_STATE_DIR, else .runbook).")
    var stateDirectory: String?

    /// The flag, else RUNBOOK_STATE_DIR, else `.runbook`.
    var resolved: String {
        if let stateDirectory { return stateDirectory }
        if let env = ProcessInfo.processInfo.environment["RUNBOOK_STATE_DIR"], !env.isEmpty { return env }
        return RunDirectory.defaultStateDirectory
    }

    /// Opens a run by id, unique id prefix, or path; prints the diagnostic and exits 2 when it cannot.
    func openRun(_ reference: String) throws -> RunDirectory {
        do {
            return try RunDirectory.open(reference, stateDirectory: resolved)
        } catch let error as JournalError {
            throw CLIFailure(error.diagnostic, code: 2)
        }
    }
}

/// A failure already described by a diagnostic: printed to stderr, then the exit code.
struct CLIFailure: Error {
    var diagnostic: Diagnostic
    var code: Int32
    init(_ diagnostic: Diagnostic, code: Int32) {
        self.diagnostic = diagnostic
        self.code = code
    }

    /// Prints the diagnostic and returns the exit code to throw.
    func report() -> ExitCode {
        CLIOutput.printDiagnostics([diagnostic])
        return ExitCode(code)
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning journal errors into diagnostics on stderr and exit codes.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CLIFailure {
            throw failure.report()
        } catch let error as JournalError {
            throw CLIFailure(error.diagnostic, code: 2).report()
        }
    }
}
