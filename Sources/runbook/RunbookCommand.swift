import ArgumentParser
import RunbookKit

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
        subcommands: [ValidateCommand.self, SimCommand.self]
    )
}
