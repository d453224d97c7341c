import ArgumentParser
import Foundation
import RunbookYAML
import RunbookTerminal

/// The one output policy of every subcommand: results on stdout, diagnostics and errors on
/// stderr, compiler-style, coloured only where `ColourPolicy` allows.
enum CLIOutput {
    /// Prints diagnostics to stderr, compiler-style.
    static func printDiagnostics(_ diagnostics: [Diagnostic]) {
        let renderer = DiagnosticRenderer(colour: ColourPolicy.enabled(on: STDERR_FILENO))
        printError(renderer.render(diagnostics))
    }

    /// Prints diagnostics and returns exit status 2 (invalid input) to throw.
    static func invalid(_ error: DiagnosticError) -> ExitCode {
        printDiagnostics(error.diagnostics)
        return ExitCode(2)
    }

    /// Prints `error: MESSAGE` to stderr.
    static func printError(message: String) {
        printError("error: " + message)
    }

    /// Writes a line to stderr as it is.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// `--output`: the formats a subcommand can print. Each subcommand names the ones it accepts
/// in its help; `text` is for people, `json` for programs.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
