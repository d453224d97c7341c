import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookTerminal

/// `runbook validate FILE…`: load each runbook and report every problem, compiler-style.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check runbooks for errors without running anything.",
        discussion: """
            Loads each file and reports every problem found: YAML syntax, unknown keys (with a "did you mean" hint), wrong types, duplicate step ids, regular expressions that do not compile, expressions that do not parse, references to undeclared params; then the step graph (unknown ids in `needs`, cycles), references to steps that do not run before, and every `use`d sub-runbook (found, given known params, itself valid).

            Diagnostics go to stderr as `file:line:column: error: message`, with a `hint:` line when one helps; colour only on a terminal and when NO_COLOR is unset. Valid files print `ok: FILE (N steps)` on stdout. Exit status: 0 when every file is valid, 2 otherwise.

            Examples:
              runbook validate runbooks/drain-node.yaml
              runbook validate runbooks/*.yaml --output json
            """)

    @Argument(help: "Runbook files to check.")
    var files: [String]

    @Option(help: "text (diagnostics on stderr) or json (an array of diagnostics on stdout).")
    var output: OutputFormat = .text

    @Option(name: .customLong("max-document-size"), help: ArgumentHelp("Largest runbook file accepted, in bytes.", valueName: "BYTES"))
    var maxDocumentSize: Int = YAMLLimits.default.maxBytes

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one runbook file, e.g. runbook validate runbooks/drain-node.yaml") }
        try output.require([.text, .json], for: "validate")
        guard maxDocumentSize > 0 else { throw ValidationError("--max-document-size must be a positive number of bytes") }
    }

    func run() async throws {
        let loader = RunbookLoader(limits: YAMLLimits(maxBytes: maxDocumentSize))
        var diagnostics: [DiagnosticJSON] = []
        var failed = false
        let renderer = DiagnosticRenderer(colour: ColourPolicy.enabled(on: STDERR_FILENO))
        for file in files {
            do {
                let runbook = try RunbookValidation(load: { path throws(DiagnosticError) in try loader.load(contentsOf: path) }).check(file: file).runbook
                if output == .text { print("ok: \(file) (\(runbook.steps.count) step\(runbook.steps.count == 1 ? "" : "s"))") }
            } catch {
                failed = true
                if output == .json {
                    diagnostics += error.diagnostics.map { DiagnosticJSON($0, file: file) }
                } else {
                    CLIOutput.printError(renderer.render(error.diagnostics))
                }
            }
        }
        if output == .json { print(DiagnosticJSON.encode(diagnostics)) }
        if failed { throw ExitCode(2) }
    }
}
