// The binary runner (`CLI`, `RunningCLI`), `Scratch` and the golden-file helper live in
// Tests/TestSupport; every file of this module sees them through this one import.
@_exported import TestSupport
import Foundation
import Testing

extension CLI {
    /// `CLI.run` for helpers that cannot throw: a binary that cannot be started is recorded as a
    /// failure of the calling test (never a skip) and comes back as exit status -1.
    static func outcome(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                        program: Program = .runbook, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        do {
            return try run(arguments, in: directory, environment: environment, program: program)
        } catch {
            Issue.record("cannot run \(program.url.path) \(arguments.joined(separator: " ")): \(error)", sourceLocation: sourceLocation)
            return Outcome(status: -1, stdout: "", stderr: "\(error)")
        }
    }
}
