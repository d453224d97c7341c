import ArgumentParser
import Foundation
import RunbookYAML
import RunbookEngine

/// `--state-dir` / `--state`, shared by every command that reads or writes runs.
struct StateDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"),
            help: "Where runs are kept (default: $RUNBOOK_STATE_DIR, else .runbook).")
    var stateDirectory: String?

    @Option(name: .customLong("state"),
            help: ArgumentHelp("Where runs, journals and locks are kept: a directory, or a team store etcd://HOST:PORT[,HOST:PORT…]/PREFIX (default: $RUNBOOK_STATE, else --state-dir).", valueName: "url"))
    var state: String?

    @Option(name: .customLong("cacert"), help: "Team store: the CA bundle of the etcd members (turns on TLS).")
    var caFile: String?

    @Option(name: .customLong("cert"), help: "Team store: the client certificate.")
    var certFile: String?

    @Option(name: .customLong("key"), help: "Team store: the client certificate's key.")
    var keyFile: String?

    @Option(name: .customLong("dial-timeout"), help: "Team store: seconds to wait for a connection (default: 5).")
    var dialTimeout: Int?

    @Option(name: .customLong("command-timeout"), help: "Team store: seconds a request may take (default: 5).")
    var commandTimeout: Int?

    @Option(name: .customLong("lock-ttl"), help: "Team store: seconds a lock outlives a holder that stopped renewing it (default: 15).")
    var lockTTL: Int?

    @Option(name: .customLong("store-cap"),
            help: ArgumentHelp("Team store: MiB of files (outputs, snapshots) a run keeps in etcd (default: 64); past it a file stays only on the machine that ran the step, and `status` says where.", valueName: "MiB"))
    var storeCap: Int?

    /// Where the state is: `--state`, `--state-dir`, `RUNBOOK_STATE`, `RUNBOOK_STATE_DIR`, then
    /// `runbook.yaml` beside the runbooks, then the user's `runbook.yaml`, then `.runbook`; each
    /// TLS file and timeout from its flag, else the config files, else the default.
    /// - Parameter runbook: the runbook file the command runs; its directory is where the config
    ///   beside the runbooks is looked for (else `./runbook.yaml`, then `runbooks/runbook.yaml`).
    func location(runbook: String? = nil) throws(CLIFailure) -> StateLocation {
        let environment = ProcessInfo.processInfo.environment
        let beside = runbook.map { [($0 as NSString).deletingLastPathComponent] } ?? [".", "runbooks"]
        let config: StateConfigFile
        do {
            config = try StateConfigFile.load(paths: StateConfigFile.paths(besideRunbooks: beside, environment: environment))
        } catch {
            throw CLIFailure(error.diagnostics, code: 2)
        }
        let defaults = EtcdConnectionOptions()
        let tls = EtcdConnectionOptions(caFile: caFile ?? config.caFile, certFile: certFile ?? config.certFile,
                                        keyFile: keyFile ?? config.keyFile,
                                        dialTimeout: dialTimeout ?? config.dialTimeout ?? defaults.dialTimeout,
                                        commandTimeout: commandTimeout ?? config.commandTimeout ?? defaults.commandTimeout,
                                        lockTTL: lockTTL ?? config.lockTTL ?? defaults.lockTTL)
        do {
            return try StateLocation.resolve(state: state, stateDirectory: stateDirectory, environment: environment,
                                             configured: config.state, tls: tls)
        } catch {
            throw CLIFailure(error.diagnostic, code: 2)
        }
    }

    /// The backend at `url` (a `state copy` end) with these TLS flags, checked reachable.
    func backend(for url: String) throws(CLIFailure) -> any StateBackend {
        var options = self
        options.state = url
        options.stateDirectory = nil
        return try options.backend()
    }

    /// The backend, checked reachable: a store that cannot be reached stops the command (exit 1)
    /// before anything runs.
    /// - Parameter runbook: as for `location(runbook:)`.
    func backend(runbook: String? = nil) throws(CLIFailure) -> any StateBackend {
        switch try location(runbook: runbook) {
        case .directory(let path):
            return LocalStateBackend(stateDirectory: path)
        case .etcd(let config):
            guard (storeCap ?? 0) >= 0 else {
                throw CLIFailure(.error("--store-cap must be 0 or more MiB, not \(storeCap ?? 0)", at: nil), code: 2)
            }
            let backend = EtcdStateBackend(config: config, workingCopy: EtcdStateBackend.defaultWorkingCopy(for: config),
                                           fileCap: (storeCap ?? 64) * 1024 * 1024)
            do {
                try backend.checkAvailable()
            } catch {
                throw CLIFailure(.error("\(error)", at: nil,
                                        hint: "nothing ran; check the endpoints, the TLS files and that a quorum of the team etcd is up"),
                                 code: 1)
            }
            return backend
        }
    }

    /// `backend()` for a session: failures as `SessionError` (exit 2 for a bad value, 1 for an unreachable store).
    func sessionBackend(runbook: String? = nil) throws(SessionError) -> any StateBackend {
        do {
            return try backend(runbook: runbook)
        } catch {
            throw error.code == 2 ? .invalid(error.diagnostics)
                : .io([error.diagnostic.message, error.diagnostic.hint].compactMap { $0 }.joined(separator: "; "))
        }
    }

    /// The backend with its runs (or the runs matching `reference`) brought into its local directory.
    func pulledBackend(_ reference: String?) throws -> any StateBackend {
        let store = try self.backend()
        do {
            try store.pull(run: reference)
        } catch {
            throw CLIFailure(.error("cannot read the runs of \(store.location): \(error)", at: nil), code: 1)
        }
        return store
    }

    /// The flag, else RUNBOOK_STATE_DIR, else `.runbook`.
    var resolved: String {
        if let stateDirectory { return stateDirectory }
        if let env = ProcessInfo.processInfo.environment["RUNBOOK_STATE_DIR"], !env.isEmpty { return env }
        return RunDirectory.defaultStateDirectory
    }

    /// Opens a run by id, unique id prefix, or path; prints the diagnostic and exits 2 when it cannot.
    func openRun(_ reference: String) throws -> RunDirectory {
        try openRunWithBackend(reference).directory
    }

    /// `openRun`, with the backend it was read from (which knows who holds the run's lock).
    func openRunWithBackend(_ reference: String) throws -> (directory: RunDirectory, backend: any StateBackend) {
        let backend = try pulledBackend(reference.contains("/") ? nil : reference)
        do {
            return (try RunDirectory.open(reference, stateDirectory: backend.stateDirectory), backend)
        } catch let error as JournalError {
            throw CLIFailure(error.diagnostic, code: 2)
        }
    }
}

/// A failure already described by a diagnostic: printed to stderr, then the exit code.
struct CLIFailure: Error {
    /// Every problem found (a config file can have several), the first being the main one.
    var diagnostics: [Diagnostic]
    var code: Int32
    init(_ diagnostic: Diagnostic, code: Int32) {
        self.init([diagnostic], code: code)
    }

    init(_ diagnostics: [Diagnostic], code: Int32) {
        self.diagnostics = diagnostics
        self.code = code
    }

    /// The first problem.
    var diagnostic: Diagnostic { diagnostics.first ?? .error("failed", at: nil) }

    /// Prints the diagnostics and returns the exit code to throw.
    func report() -> ExitCode {
        CLIOutput.printDiagnostics(diagnostics)
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
