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
            (the state config), sorted by name. Files that do not load are reported
            on stderr and make the exit status 2; the others are still listed. With
            --sections, one line per guide section that a runbook or one of its
            steps names in `source`, in the guide's order, with the runbooks that
            encode it (sections no runbook encodes, and why, are in docs/runbooks.md
            "Guide coverage").

            Examples:
              runbook list
              runbook list examples/
              runbook list --sections
            """)

    @Argument(help: "Directory of runbooks.")
    var directory: String = "runbooks"

    @Flag(help: "List the guide sections the runbooks encode instead of the runbooks.")
    var sections = false

    func run() throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            CLIOutput.printDiagnostics([.error("cannot read directory '\(directory)'", at: nil)])
            throw ExitCode(2)
        }
        // runbook.yaml beside the runbooks is the state config (docs/team.md), not a runbook.
        let files = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != StateConfigFile.fileName }.sorted()
        var failed: [Diagnostic] = []
        var loaded: [Runbook] = []
        for name in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(DiagnosticError) {
                let runbook = try loadRunbook(path)
                loaded.append(runbook)
                if !sections { print(RunbookSummary.text(runbook)) }
            } catch {
                failed += error.diagnostics
            }
        }
        if files.isEmpty { print("no runbooks in \(directory)") }
        if sections && !loaded.isEmpty { print(GuideSections.text(loaded)) }
        if !failed.isEmpty {
            CLIOutput.printDiagnostics(failed)
            throw ExitCode(2)
        }
    }
}
