import ArgumentParser
import Foundation
import RunbookYAML
import RunbookCore
import RunbookEngine

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the runbooks in a directory with their title, guide section and params.",
        discussion: """
            Reads every .yaml/.yml file in DIR (default: runbooks/) but runbook.yaml
            (the state config), sorted by name. Files that do not load are reported on stderr and make the exit
            status 2; the others are still listed.

            Examples:
              runbook list
              runbook list examples/
            """)

    @Argument(help: "Directory of runbooks.")
    var directory: String = "runbooks"

    func run() throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            CLIOutput.printDiagnostics([.error("cannot read directory '\(directory)'", at: nil)])
            throw ExitCode(2)
        }
        // runbook.yaml beside the runbooks is the state config (docs/team.md), not a runbook.
        let files = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != StateConfigFile.fileName }.sorted()
        var failed: [Diagnostic] = []
        for name in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(DiagnosticError) {
                let runbook = try loadRunbook(path)
                print(RunbookSummary.text(runbook))
            } catch {
                failed += error.diagnostics
            }
        }
        if files.isEmpty { print("no runbooks in \(directory)") }
        if !failed.isEmpty {
            CLIOutput.printDiagnostics(failed)
            throw ExitCode(2)
        }
    }
}
