import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif
import RunbookYAML
import RunbookEngine
import RunbookTerminal

/// Flags shared by `run` and `resume`: how the engine runs, who runs it, where state goes.
struct RunOptions: ParsableArguments {
    @Option(help: "At most this many step instances run at once.")
    var parallel: Int = 4

    @Flag(help: "Approve every confirm step without asking (each approval is journaled).")
    var yes = false

    @Option(help: "Progress as text (live on a terminal) or json (one event per line).")
    var output: OutputFormat = .text

    @Option(name: .customLong("operator"), help: "Who runs this, for the journal (default: user@host).")
    var operatorName: String?

    @Option(name: .customLong("audit-log"), help: ArgumentHelp("Also append every journal line to this shared file (for a SIEM).", valueName: "file"))
    var auditLog: String?

    @Flag(name: .customLong("break-lock"), help: "Take the runbook's lock scope even though a stale holder left it (journaled).")
    var breakLock = false

    @Flag(name: .customLong("kill-orphans"), help: "Stop the step commands a killed earlier run of this run or lock scope left running, instead of waiting for them (journaled).")
    var killOrphans = false

    /// For `runbook test`'s `faults_at`: after the `stepStarted` line of this step (id or instance
    /// key), wait for a line on stdin before running its command. Not for operators.
    @Option(name: .customLong("hold-at"), help: ArgumentHelp(visibility: .private))
    var holdAt: [String] = []

    @OptionGroup var state: StateDirectoryOptions

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        try output.require([.text, .json], for: "run and resume")
        guard holdAt.isEmpty || output == .json else { throw ValidationError("--hold-at needs --output json") }
    }

    /// The settings for a run with these flags and the given transports.
    func settings(transports: any TransportProvider, backend: any StateBackend) -> RunSettings {
        var settings = RunSettings(stateDirectory: backend.stateDirectory,
                    operatorName: OperatorName.resolve(operatorName, environment: ProcessInfo.processInfo.environment),
                    auditLog: auditLog, breakLock: breakLock,
                    engine: EngineOptions(parallel: parallel, assumeYes: yes), transports: transports,
                    approver: TTYApprover(), reporter: reporter(), killOrphans: killOrphans,
                    notice: { StandardStream.error.write("\($0)\n") })
        if !(backend is LocalStateBackend) { settings.store = backend }
        return settings
    }

    /// Live view on a terminal, plain lines elsewhere, JSON on request.
    func reporter() -> any ProgressReporter {
        if output == .json { return JSONProgress(holdAt: Set(holdAt)) }
        let terminal = isatty(STDOUT_FILENO) == 1
        let style = ProgressStyle.detect(isTerminal: terminal)
        // A dumb terminal cannot redraw lines: plain lines there, as for a pipe.
        guard terminal, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return PlainProgress(style: style) }
        var size = winsize()
        let columns = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
        return LiveProgress(style: style, columns: columns)
    }
}

/// Runs a session with SIGINT/SIGTERM wired to the engine, prints how to go on, maps the exit code.
enum SessionRunner {
    static func run(_ body: (@escaping @Sendable (Engine) -> Void) async throws(SessionError) -> SessionResult) async throws {
        let watcher = EngineSignals()
        let result: SessionResult
        do {
            result = try await body { engine in watcher.attach(engine) }
        } catch {
            watcher.stop()
            CLIOutput.printDiagnostics(error.diagnostics)
            switch error {
            case .locked: throw ExitCode(5)
            case .invalid: throw ExitCode(2)
            case .io: throw ExitCode(1)
            }
        }
        watcher.stop()
        let code = result.outcome.exitCode
        if code == 4 || code == 1 && result.outcome.status == .failed {
            CLIOutput.printError("run \(result.runID) can be resumed: runbook resume \(result.runID)")
        } else {
            CLIOutput.printError("run \(result.runID): see runbook audit \(result.runID)")
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Connects SIGINT/SIGTERM/SIGHUP, and a closed standard output, to the engine once it exists.
final class EngineSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var engine: Engine?
    private var watcher: SignalWatcher?
    private var outputClosed = false

    init() {
        // Whoever read the progress went away (`| head`, a dead log shipper): nobody sees the
        // run any more, so it stops as for a lost terminal (SIGHUP), resumably.
        StandardStream.output.onClosed { [weak self] in self?.stopForClosedOutput() }
    }

    func attach(_ engine: Engine) {
        let closedBefore = lock.withLock {
            self.engine = engine
            return outputClosed
        }
        let watcher = SignalWatcher(onInterrupt: { [weak self] _ in self?.interrupt() })
        watcher.start()
        lock.withLock { self.watcher = watcher }
        if closedBefore { engine.interrupt() }
    }

    private func interrupt() {
        // Said at once, so the operator knows the signal was heard and what a second one does.
        StandardStream.error.write("\nstopping: no new steps; running commands get SIGTERM, then SIGKILL after the grace period (Ctrl-C again to kill them now)\n")
        lock.withLock { engine }?.interrupt()
    }

    private func stopForClosedOutput() {
        StandardStream.error.write("\nstopping: standard output was closed (nothing reads the progress any more); no new steps; running commands get SIGTERM, then SIGKILL after the grace period\n")
        let engine = lock.withLock {
            outputClosed = true
            return self.engine
        }
        engine?.interrupt()
    }

    func stop() { lock.withLock { watcher }?.stop() }
}
