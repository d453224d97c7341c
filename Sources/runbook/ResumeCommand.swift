import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookEngine
import SimulatorKit

/// `runbook resume RUN`: continues a failed, interrupted or stopped run where it really was.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a failed, interrupted or stopped run (also an interrupted rollback).",
        discussion: """
            The journal decides: completed steps are never run again. A step that was in
            flight when the run stopped runs again only when it is idempotent or read-only;
            one with a `verify` is probed first (if the verify holds, it is recorded as done);
            otherwise resume stops and asks you to choose with --rerun or --skip, given a
            step id (every instance of it that needs a decision, never a finished one) or an
            instance key such as 'fe[b]' or drain@node-1 (exactly that instance). A step
            skipped as done by hand is rolled back like any completed step. Every choice is
            journaled. A run whose rollback failed is resumed by retrying that rollback.
            Resume first verifies the run like `audit verify` and refuses one that does not
            verify (exit 2); a run another process is driving exits 5. If the runbook file changed since the run started,
            resume shows the first difference and refuses unless --use-current.
            Secret params are asked again (or read from RUNBOOK_SECRET_<NAME>).

            Examples:
              runbook runs
              runbook resume 20261127-2210-drain-node-1a2b
              runbook resume 20261127-2210 --rerun drain
              runbook resume 20261127-2210 --skip 'drain@node-2' --rerun 'drain@node-3'
              runbook resume 20261127-2210 --from cordon --yes

            Exit codes as for `run`.
            """)

    @Argument(help: "The run: its id, a unique prefix of it, or its directory.")
    var run: String

    @Option(name: .customLong("rerun"), help: ArgumentHelp("Run this in-flight step, or one instance of it (a key like 'fe[b]'), again (repeatable).", valueName: "step|key"))
    var rerun: [String] = []

    @Option(name: .customLong("skip"), help: ArgumentHelp("Treat this in-flight step, or one instance of it, as done by hand (repeatable).", valueName: "step|key"))
    var skip: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp("Restart from this step: it and every later step run again.", valueName: "step"))
    var from: String?

    @Flag(name: .customLong("use-current"), help: "Resume with the runbook file as it is now, although it changed since the run started.")
    var useCurrent = false

    @OptionGroup var options: RunOptions

    func run() async throws {
        try await SessionRunner.run { onEngine throws(SessionError) in
            let backend = try options.state.sessionBackend()
            do {
                try backend.pull(run: run.contains("/") ? nil : run)
            } catch {
                throw .io("cannot read run \(run) from \(backend.location): \(error)")
            }
            let stopped = try StoppedRun.open(run, stateDirectory: backend.stateDirectory)
            let file = try stopped.runbookFile(useCurrent: useCurrent)
            let inventory: Inventory
            let checked: RunbookValidation.Checked
            do throws(DiagnosticError) {
                inventory = try RunWiring.loadInventory(stopped.invocation.inventory)
                checked = try RunbookValidation(load: loadRunbook).check(file: file)
            } catch {
                throw .invalid(error.diagnostics)
            }
            let secrets = try Self.secrets(stopped.invocation.secretNames)
            let sim = stopped.invocation.simDirectory.map { SimSetup(directory: $0) }
            if sim != nil, let reason = SimTransport.sandboxUnavailableReason() {
                throw .invalid([.error("cannot rehearse: \(reason)", at: nil)])
            }
            let settings = options.settings(transports: sim?.transports ?? TransportFactory(), backend: backend)
            return try await RunSession.resume(stopped, checked: checked, inventory: inventory, secrets: secrets,
                                               choices: .init(rerun: Set(rerun), skip: Set(skip), from: from),
                                               settings: settings, onEngine: onEngine)
        }
    }

    /// Secret params again: from RUNBOOK_SECRET_<NAME>, else asked on the terminal.
    static func secrets(_ names: [String]) throws(SessionError) -> [String: Value] {
        guard !names.isEmpty else { return [:] }
        do {
            let values = try SecretParamSource(environment: ProcessInfo.processInfo.environment).values(for: names)
            return values.mapValues(Value.string)
        } catch let error as DiagnosticError {
            // Each names its own RUNBOOK_SECRET_<NAME> in its hint.
            throw .invalid(error.diagnostics)
        } catch {
            throw .invalid([.error("cannot read the secret params: \(error)", at: nil)])
        }
    }
}
