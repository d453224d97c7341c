import ArgumentParser
import RunbookYAML
import RunbookCore

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a runbook's step graph as Mermaid or Graphviz DOT.",
        discussion: """
            Edges go from a step to the steps that wait for it; state-changing
            steps are boxes, read-only steps are rounded.

            Examples:
              runbook graph runbooks/drain-node.yaml           # Mermaid
              runbook graph runbooks/drain-node.yaml --format dot | dot -Tsvg > drain.svg

            Exit status: 0, or 2 when the runbook is invalid.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case mermaid, dot }

    @Argument(help: "The runbook file.")
    var file: String

    @Option(help: "mermaid or dot.")
    var format: Format = .mermaid

    func run() throws {
        do throws(DiagnosticError) {
            let runbook = try loadRunbook(file)
            let graph = try StepGraph(runbook)
            print(format == .mermaid ? StepGraphExport.mermaid(runbook, graph) : StepGraphExport.dot(runbook, graph), terminator: "")
        } catch {
            throw CLIOutput.invalid(error)
        }
    }
}
