import ArgumentParser
import Foundation
import RunbookKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `runbook run FILE`: executes a runbook for real.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a runbook: preconditions, steps, rollbacks; journaled and resumable.",
        discussion: """
            Exit codes: 0 done, 1 failed (rolled back, or stopped by on_failure: stop),
            2 invalid input or usage, 3 failed and rollback incomplete, 4 stopped and
            resumable (interrupted, approval refused), 5 locked by another run.
            """)

    /// How progress is shown.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The runbook file.")
    var file: String

    @Option(name: .customLong("param"), help: "A param value, NAME=VALUE (repeatable; lists are comma-separated).")
    var params: [String] = []

    @Option(name: .customLong("params-file"), help: "A YAML mapping of param values (--param wins).")
    var paramsFile: String?

    @Option(help: "Inventory file (YAML or Ansible INI). Without it, steps run on this machine.")
    var inventory: String?

    @Option(help: "At most this many step instances run at once.")
    var parallel: Int = 4

    @Flag(help: "Approve every confirm step without asking (each approval is journaled).")
    var yes = false

    @Option(help: "Progress as text (live on a terminal) or json (one event per line).")
    var output: OutputFormat = .text

    @Option(name: .customLong("operator"), help: "Who runs this, for the journal (default: $USER).")
    var operatorName: String?

    @Option(name: .customLong("state-dir"), help: "Where run directories live.")
    var stateDir: String = ".runbook"

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
    }

    func run() async throws {
        let runbook: Runbook
        let subRunbooks: [String: Runbook]
        let inventoryValue: Inventory
        let resolved: (values: [String: Value], secrets: Set<String>)
        do {
            inventoryValue = try RunWiring.loadInventory(inventory)
            (runbook, subRunbooks) = try RunWiring.loadRunbooks(file, inventory: inventory == nil ? nil : inventoryValue)
            resolved = try RunWiring.resolveParams(params, file: paramsFile, for: runbook)
        } catch {
            let colour = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            FileHandle.standardError.write(Data((DiagnosticRenderer(colour: colour).render(error.diagnostics) + "\n").utf8))
            throw ExitCode(2)
        }

        let runID = Self.runID()
        let runDirectory = URL(fileURLWithPath: stateDir).appendingPathComponent("runs").appendingPathComponent(runID)
        let recorder: JSONLinesRecorder
        do {
            try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
            recorder = try JSONLinesRecorder(path: runDirectory.appendingPathComponent("journal.jsonl").path)
        } catch {
            FileHandle.standardError.write(Data("error: cannot create the run directory \(runDirectory.path): \(error)\n".utf8))
            throw ExitCode(2)
        }

        let engine = Engine(
            runbook: runbook, subRunbooks: subRunbooks, params: resolved.values, secretParams: resolved.secrets,
            inventory: inventoryValue, transports: TransportFactory(), recorder: recorder, approver: TTYApprover(),
            reporter: Self.reporter(output), outputs: RunDirectoryOutputStore(directory: runDirectory),
            options: EngineOptions(parallel: parallel, assumeYes: yes))
        let watcher = SignalWatcher(onInterrupt: { _ in engine.interrupt() })
        watcher.start()
        let outcome = await engine.run()
        watcher.stop()
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// Live view on a terminal, plain lines elsewhere, JSON on request.
    static func reporter(_ format: OutputFormat) -> any ProgressReporter {
        if format == .json { return JSONProgress() }
        let terminal = isatty(STDOUT_FILENO) == 1
        let style = ProgressStyle.detect(isTerminal: terminal)
        guard terminal, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return PlainProgress(style: style) }
        var size = winsize()
        let columns = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
        return LiveProgress(style: style, columns: columns)
    }

    /// `20261127T210501Z-1a2b3c`: sortable by time, unique enough for one state directory.
    static func runID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0...0xFFFFFF), radix: 16)
    }
}
