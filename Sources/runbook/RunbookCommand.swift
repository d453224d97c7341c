import ArgumentParser
import Foundation

/// The `runbook` command: validate, plan, run, resume and audit declarative runbooks.
@main
struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Validate, preview, run, resume and audit declarative runbooks.",
        discussion: """
            A runbook is a YAML step graph with preconditions and rollbacks. Start with
            `runbook validate FILE`, preview with `runbook plan FILE`, rehearse with
            `runbook run FILE --sim`.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, PlanCommand.self, RunCommand.self, ResumeCommand.self, RunsCommand.self,
            StatusCommand.self, AuditCommand.self, SimCommand.self, GraphCommand.self, ListCommand.self, LintCommand.self, TestCommand.self,
            StateCommand.self,
        ]
    )

    /// `--sim` takes an optional DIR: written alone (last, before another flag, or before the
    /// runbook file) it becomes `--sim=` (a fresh cluster in a temporary directory).
    static func expandingBareSim(_ arguments: [String]) -> [String] {
        arguments.enumerated().map { index, argument in
            guard argument == "--sim" else { return argument }
            let next = arguments.indices.contains(index + 1) ? arguments[index + 1] : nil
            let bare = next.map { $0.hasPrefix("-") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") } ?? true
            return bare ? "--sim=" : argument
        }
    }

    /// Runs the command line; usage errors exit with 2 (invalid input), like every other invalid input,
    /// instead of argument-parser's default 64.
    static func main() async {
        do {
            var command = try parseAsRoot(Self.expandingBareSim(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                CLIOutput.printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
