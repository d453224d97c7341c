import ArgumentParser
import RunbookKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check runbooks for errors without running anything.")

    @Argument(help: "Runbook files to check.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            do {
                _ = try YAMLParser().parse(contentsOf: file)
            } catch {
                print(DiagnosticRenderer(colour: false).render(error.diagnostics))
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}
