import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookTerminal

/// `runbook lint FILE…`: warnings for runbooks that are valid but risky.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Warn about runbooks that are valid but risky.",
        discussion: """
            Validates each file first (an invalid runbook is reported like `validate` does, exit 2),
            then warns, compiler-style with file:line:column, about:
            \(LintRule.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

            Silence a rule for one step with a comment on the step's first line or just above it:
              # runbook-lint: disable=no-undo   (reason: …)
            `disable=all` silences every rule for that step; say why in the comment.

            Whether `on:` names a group is read from --inventory; without one, a literal name is a
            group when it is one of openshift-ansible's groups (masters, nodes, etcd, lb, new_*, …)
            or has no dot in it.

            Exit status: 0 (also with warnings), 1 with --strict when there are warnings, 2 when a
            file is invalid.

            Examples:
              runbook lint runbooks/*.yaml
              runbook lint my-procedure.yaml --strict --output json
            """)

    @Argument(help: "Runbook files to lint.")
    var files: [String]

    @Option(help: ArgumentHelp("A YAML or Ansible INI inventory (tells groups from hosts).", valueName: "file"))
    var inventory: String?

    @Option(help: "text (warnings on stderr) or json (an array of diagnostics on stdout).")
    var output: OutputFormat = .text

    @Flag(help: "Exit 1 when there is any warning.")
    var strict = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one runbook file, e.g. runbook lint runbooks/drain-node.yaml") }
        try output.require([.text, .json], for: "lint")
    }

    func run() async throws {
        var groups: Set<String>?
        if let inventory {
            do { groups = Set(try InventoryLoader.load(path: inventory).groups.keys) } catch { throw CLIOutput.invalid(error) }
        }
        let loader = RunbookLoader()
        let renderer = DiagnosticRenderer(colour: ColourPolicy.enabled(on: STDERR_FILENO))
        var invalid = false
        var warnings: [Diagnostic] = []
        for file in files {
            do {
                let runbook = try RunbookValidation(load: { path throws(DiagnosticError) in try loader.load(contentsOf: path) })
                    .check(file: file).runbook
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                let found = Linter(groups: groups).lint(runbook, text: text)
                warnings += found
                if output == .text {
                    if found.isEmpty {
                        print("ok: \(file) (no warnings)")
                    } else {
                        CLIOutput.printError(found.map(renderer.render).joined(separator: "\n"))
                    }
                }
            } catch {
                invalid = true
                if output == .text { CLIOutput.printError(renderer.render(error.diagnostics)) }
                else { warnings += error.diagnostics }
            }
        }
        if output == .json { print(DiagnosticJSON.encode(warnings.map { DiagnosticJSON($0) })) }
        else if !warnings.isEmpty { CLIOutput.printError("\(warnings.count) warning\(warnings.count == 1 ? "" : "s")") }
        if invalid { throw ExitCode(2) }
        if strict, !warnings.isEmpty { throw ExitCode(1) }
    }
}
