import Foundation

/// The one golden-file helper: compares a test's text with a reviewed file, or records it.
///
/// `RUNBOOK_RECORD_GOLDEN=1 swift test --filter SUITE` writes what the tests produce into their
/// golden files and makes each of those tests FAIL with "recorded FILE: review and re-run
/// without RUNBOOK_RECORD_GOLDEN", so a recording is never mistaken for a pass. Review the diff
/// (`git diff Tests/`), then run again without the variable. Text that changes from run to run
/// (ids, times, hashes, pids, paths) goes through a ``Normaliser`` first.
public enum Golden {
    /// The one record variable.
    public static let recordVariable = "RUNBOOK_RECORD_GOLDEN"

    /// Tests/Golden under the package root.
    public static let directory: URL = CLI.root.appendingPathComponent("Tests/Golden")

    /// True when this test process records instead of comparing.
    public static var recording: Bool { ProcessInfo.processInfo.environment[recordVariable] == "1" }

    /// Why a golden check failed.
    public enum Failure: Error, CustomStringConvertible {
        /// Recording was on: the file was written and the test must fail until it is reviewed.
        case recorded(String, lines: Int)
        /// No golden file yet.
        case missing(String)
        /// The text differs; the first differing line.
        case differs(String, String)

        public var description: String {
            switch self {
            case .recorded(let path, let lines):
                "recorded \(path) (\(lines) lines): review and re-run without \(Golden.recordVariable)=1"
            case .missing(let path):
                "no golden file \(path): record it with \(Golden.recordVariable)=1, review it, and re-run"
            case .differs(let path, let difference):
                "differs from \(path) (record with \(Golden.recordVariable)=1 if the change is intended): \(difference)"
            }
        }
    }

    /// Checks `actual` against `Tests/Golden/<name>` (e.g. `"plan/drain-node.txt"`).
    public static func check(_ actual: String, named name: String, recording: Bool = Golden.recording) throws {
        try check(actual, file: directory.appendingPathComponent(name), recording: recording)
    }

    /// Checks `actual` against `file`: throws ``Failure`` when it differs or is missing, and,
    /// when recording, writes `actual` to `file` and throws ``Failure/recorded(_:lines:)``.
    public static func check(_ actual: String, file: URL, recording: Bool = Golden.recording) throws {
        let shown = file.path.hasPrefix(CLI.root.path + "/") ? String(file.path.dropFirst(CLI.root.path.count + 1)) : file.path
        if recording {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            throw Failure.recorded(shown, lines: actual.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else { throw Failure.missing(shown) }
        if actual != golden { throw Failure.differs(shown, firstDifference(actual, golden)) }
    }

    /// The first differing line, so a failure says where to look in a long file.
    public static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where i >= a.count || i >= e.count || a[i] != e[i] {
            let got = i < a.count ? String(a[i]) : "<end>", want = i < e.count ? String(e[i]) : "<end>"
            return "line \(i + 1): got \(got.debugDescription), golden \(want.debugDescription)"
        }
        return "no line differs"
    }
}
