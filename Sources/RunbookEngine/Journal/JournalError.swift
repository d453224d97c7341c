#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookYAML

/// A failure reading or writing a run directory or its journal.
public enum JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed on `path`.
    case io(path: String, operation: String, code: Int32)
    /// A journal line (1-based) that cannot be read; only a torn *last* line is tolerated.
    case malformedLine(file: String, line: Int, reason: String)
    /// No run with this id or path.
    case runNotFound(String, stateDirectory: String)
    /// More than one run id starts with the given prefix.
    case ambiguousRun(String, candidates: [String])
    /// A runbook copy whose relative name would leave the run directory.
    case unsafeName(String)

    public var description: String { diagnostic.description }

    /// The error as a user-facing diagnostic (with a place when it comes from a journal line).
    public var diagnostic: Diagnostic {
        switch self {
        case let .io(path, operation, code):
            let reason = String(cString: strerror(code))
            return .error("cannot \(operation) \(path): \(reason)", at: nil)
        case let .malformedLine(file, line, reason):
            return .error(reason, at: SourceLocation(file: file, line: line, column: 1),
                          hint: "the journal was changed after it was written; `runbook audit verify` checks the whole chain")
        case let .runNotFound(run, stateDirectory):
            return .error("no run '\(run)' in \(stateDirectory)/runs", at: nil,
                          hint: "`runbook runs` lists the runs; pass --state-dir or RUNBOOK_STATE_DIR if they live elsewhere")
        case let .ambiguousRun(run, candidates):
            return .error("'\(run)' matches several runs: \(candidates.joined(separator: ", "))", at: nil,
                          hint: "give more of the run id")
        case let .unsafeName(name):
            return .error("runbook file name '\(name)' leaves the run directory", at: nil,
                          hint: "sub-runbooks are saved under their path relative to the main runbook, without '..'")
        }
    }
}
