import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookTerminal

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a run would do, without changing anything.",
        discussion: """
            Resolves params and inventory and prints the steps in order, grouped by
            what may run in parallel: each step's hosts, the exact command per host
            (secret params as ***), whether it changes state or is read-only, its
            rollback, its `when` condition and value where known, and a diff for
            file edits whose file can be read. Nothing is executed.

            Examples:
              runbook plan runbooks/drain-node.yaml --param node=node1.example.com
              runbook plan runbooks/replace-etcd-host.yaml --inventory /etc/ansible/hosts \\
                  --params-file params.yaml --output json

            Exit status: 0 when the plan was printed; 2 when the runbook, the
            params or the inventory are invalid (all problems are listed).
            """)

    @Argument(help: "The runbook file.")
    var file: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A param value, name=value (repeatable). Lists: a,b or [a, b].", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .customLong("params-file"), help: ArgumentHelp("A YAML mapping of param values.", valueName: "file"))
    var paramsFile: String?

    @Option(help: ArgumentHelp("A YAML or Ansible INI inventory.", valueName: "file"))
    var inventory: String?

    @Option(name: .customLong("sim"),
            help: ArgumentHelp("Plan against a simulated cluster kept in DIR (created when missing; `--sim` alone: a fresh one): its inventory, and its files for diffs. Nothing is changed.", valueName: "dir"))
    var simDirectory: String?

    @Option(help: "text, json, or markdown (for a change ticket).")
    var output: OutputFormat = .text

    func run() throws {
        let sim: SimSetup?
        do {
            sim = simDirectory != nil ? try SimSetup.prepare(simDirectory.flatMap { $0.isEmpty ? nil : $0 }) : nil
        } catch let failure as CLIFailure { throw failure.report() }
        do throws(DiagnosticError) {
            // Files on the local machine can be read for diffs; remote ones need a transport, which plan
            // does not open. A simulated host's files are read from its tree.
            let readLocal: Planner.FileReader = { host, path in
                host.transport == .local ? try? String(contentsOfFile: path, encoding: .utf8) : nil
            }
            let plan = try PlanPipeline(load: loadRunbook, fileReader: sim?.fileReader ?? readLocal)
                .plan(file: file, assignments: params, paramsFile: paramsFile, inventoryPath: inventory ?? sim?.inventoryPath)
            switch output {
            case .text: print(PlanTextRenderer().render(plan), terminator: "")
            case .json: print(PlanJSON.encode(plan), terminator: "")
            case .markdown: print(PlanMarkdownRenderer().render(plan), terminator: "")
            }
        } catch {
            throw CLIOutput.invalid(error)
        }
    }
}
