import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookEngine

/// `runbook run FILE`: executes a runbook for real, or rehearses it in the simulator.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a runbook: preconditions, steps, rollbacks; journaled and resumable.",
        discussion: """
            Every event is journaled under --state-dir (default .runbook/runs/<run-id>/). With
            --sim the run is a rehearsal in a simulated OpenShift 3.11 cluster: every
            inventory host is simulated, nothing real is touched.

            Examples:
              runbook run runbooks/drain-node.yaml --sim --param node=node-1.example.com
              runbook run runbooks/drain-node.yaml --inventory /etc/ansible/hosts \\
                  --param node=node-1.example.com --operator alice

            Exit codes: 0 done, 1 failed (rolled back, or stopped by on_failure: stop),
            2 invalid input or usage, 3 failed and rollback incomplete, 4 stopped and
            resumable (interrupted, approval refused), 5 locked by another run.
            """)

    @Argument(help: "The runbook file.")
    var file: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A param value, name=value (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .customLong("params-file"), help: ArgumentHelp("A YAML mapping of param values (--param wins).", valueName: "file"))
    var paramsFile: String?

    @Option(help: ArgumentHelp("Inventory (YAML or Ansible INI). Without it, steps run on this machine (or on the simulator's hosts with --sim).", valueName: "file"))
    var inventory: String?

    @Option(name: .customLong("sim"),
            help: ArgumentHelp("Rehearse in a simulated cluster kept in DIR (created when missing); `--sim` alone creates a fresh one in a temporary directory.", valueName: "dir"))
    var simDirectory: String?

    @OptionGroup var options: RunOptions

    func run() async throws {
        let sim: SimSetup?
        do {
            sim = simDirectory != nil ? try SimSetup.prepare(simDirectory.flatMap { $0.isEmpty ? nil : $0 }) : nil
        } catch let failure as CLIFailure { throw failure.report() }
        if sim != nil { try SimSetup.requireSandbox() }
        let inventoryPath = inventory ?? sim?.inventoryPath
        let invocation: RunInvocation
        let checked: RunbookValidation.Checked
        let inventoryValue: Inventory
        var secrets: [String: Value] = [:]
        do throws(DiagnosticError) {
            inventoryValue = try RunWiring.loadInventory(inventoryPath)
            checked = try RunbookValidation(load: loadRunbook).check(file: file, inventory: inventoryPath == nil ? nil : inventoryValue)
            let resolved = try ParamResolver().resolve(checked.runbook, assignments: params, paramsFile: paramsFile)
            // What `plan` would refuse (an empty or unknown `on`, a bad `for_each`, a `when` that is not a
            // bool) stops the run here with exit 2, before anything runs: the same resolver decides both.
            _ = try Planner().plan(runbook: checked.runbook, params: resolved, inventory: inventoryValue,
                                   subRunbooks: checked.subRunbooks)
            for name in resolved.secretNames { secrets[name] = resolved.values[name] }
            invocation = RunInvocation(file: file, inventory: inventoryPath, simDirectory: sim?.directory,
                                       params: resolved.values, secretNames: resolved.secretNames)
        } catch {
            throw CLIOutput.invalid(error)
        }
        let transports = sim?.transports ?? TransportFactory()
        try await SessionRunner.run { onEngine throws(SessionError) in
            let settings = options.settings(transports: transports, backend: try options.state.sessionBackend(runbook: file))
            return try await RunSession.start(invocation, checked: checked, inventory: inventoryValue, secrets: secrets,
                                       settings: settings, onEngine: onEngine)
        }
    }
}
