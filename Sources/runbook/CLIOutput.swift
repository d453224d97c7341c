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
        StandardStream.error.write(text.hasSuffix("\n") ? text : text + "\n")
    }
}

/// `--output`: the formats a subcommand can print. `text` is for people, `json` for programs,
/// `markdown` for change tickets. Each subcommand names the ones it accepts in its help and
/// refuses the others with a usage error (exit 2).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown

    /// Refuses a format the subcommand cannot print.
    /// - Throws: `ValidationError` naming the formats it can.
    func require(_ allowed: [OutputFormat], for command: String) throws {
        guard allowed.contains(self) else {
            throw ValidationError("--output \(rawValue) is not available for \(command) (choose \(allowed.map(\.rawValue).joined(separator: " or ")))")
        }
    }
}
