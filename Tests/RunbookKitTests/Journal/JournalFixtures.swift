import Crypto
import Foundation
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

/// Journal helpers for the journal tests (temporary directories: `Scratch` in TestSupport).
enum JournalFixtures {
    /// A fixed clock: 2026-11-27T20:00:00.000Z plus one millisecond a call.
    static func clock() -> @Sendable () -> Int64 {
        let counter = Counter()
        return { 1_795_809_600_000 + counter.next() }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int64 = 0
        func next() -> Int64 { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
    }

    /// Writes `events` to a new journal in `directory` and returns its path.
    static func journal(_ events: [RunEvent], in directory: String, run: String = "R1",
                        scrubber: SecretScrubber = SecretScrubber()) async throws -> String {
        let path = "\(directory)/journal.jsonl"
        let writer = try JournalWriter(path: path, run: run, operatorName: "alice@ops", scrubber: scrubber,
                                       clock: clock())
        for e in events { try await writer.record(e) }
        await writer.close()
        return path
    }

    static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast().map { $0 }
    }

    static func writeLines(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func sha(_ line: String) -> String {
        SHA256.hash(data: Array(line.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A small successful run: three steps on one host.
    static let successfulRun: [RunEvent] = [
        RunEvent(.runStarted, message: "drain-node"),
        RunEvent(.stepStarted, step: "cordon@node-1", host: "node-1"),
        RunEvent(.attemptStarted, step: "cordon@node-1", host: "node-1", attempt: 1,
                 command: "oc adm manage-node 'node-1' --schedulable=false"),
        RunEvent(.attemptFinished, step: "cordon@node-1", host: "node-1", attempt: 1, status: .exited(0),
                 durationMilliseconds: 420, stdout: OutputDigest(bytes: 3, sha256: "abc", file: "output/cordon@node-1.1.stdout")),
        RunEvent(.stepSucceeded, step: "cordon@node-1", host: "node-1", outputs: ["n": .int(1)]),
        RunEvent(.stepStarted, step: "drain@node-1", host: "node-1"),
        RunEvent(.stepSucceeded, step: "drain@node-1", host: "node-1"),
        RunEvent(.runFinished, message: "succeeded"),
    ]
}
