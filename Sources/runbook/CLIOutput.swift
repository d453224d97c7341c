import ArgumentParser
import Foundation
import RunbookKit

/// Printing shared by the subcommands: diagnostics to stderr (colour only on a terminal).
enum CLIOutput {
    static func printDiagnostics(_ diagnostics: [Diagnostic]) {
        let colour = isatty(2) == 1
        FileHandle.standardError.write(Data((DiagnosticRenderer(colour: colour).render(diagnostics) + "\n").utf8))
    }

    /// Prints the diagnostics and exits with 2 (invalid input).
    static func invalid(_ error: DiagnosticError) -> ExitCode {
        printDiagnostics(error.diagnostics)
        return ExitCode(2)
    }
}

/// `--output text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
