import Foundation
import RunbookEngine
import RunbookCore

/// `--output json`: one JSON object per line — every event as recorded, then the outcome.
///
/// Events are written by the journal's own encoder (`JournalLineEncoder.encodeProgress`): the
/// same field names (`event`, `durationMs`, …) and bytes as the journal line, with `ts`.
///
/// `holdAt` (for `runbook test`'s `faults_at`): after the `stepStarted` line of one of these steps
/// (id or instance key) the reporter waits for a line from `release` before the step's command
/// runs, so a scenario can change the simulated cluster at exactly that step boundary.
public actor JSONProgress: ProgressReporter {
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int64
    private let holdAt: Set<String>
    private let release: @Sendable () async -> Void

    /// - Parameters:
    ///   - write: receives each line with its newline (default: stdout).
    ///   - clock: milliseconds since the Unix epoch, for `ts`; tests pass a fixed clock.
    ///   - holdAt: steps (ids or instance keys) to hold after their `stepStarted` line.
    ///   - release: returns when a held step may go on (default: a line, or EOF, on stdin).
    public init(write: @escaping @Sendable (String) -> Void = { StandardStream.output.write($0) },
                clock: @escaping @Sendable () -> Int64 = JournalClock.now,
                holdAt: Set<String> = [],
                release: @escaping @Sendable () async -> Void = StandardInputLine.wait) {
        self.write = write
        self.clock = clock
        self.holdAt = holdAt
        self.release = release
    }

    public func report(_ event: RunEvent) async {
        let line = JournalLineEncoder.encodeProgress(event, timestamp: JournalClock.rfc3339(milliseconds: clock()))
        write(String(decoding: line, as: UTF8.self) + "\n")
        if event.kind == .stepStarted, let key = event.step,
           holdAt.contains(key) || holdAt.contains(StepKey.stepID(of: key)) {
            await release()
        }
    }

    /// The final line: `{"event":"outcome","status":…,"exitCode":…,"failedStep":…,"reason":…,
    /// "leftForHuman":[…],"continuedFailures":[…]}` (absent fields omitted).
    public func finish(_ outcome: RunOutcome) async {
        var out = JSONWriter()
        out.begin()
        out.field("event", string: "outcome")
        out.field("status", string: outcome.status.rawValue)
        out.field("exitCode", int: Int(outcome.exitCode))
        if let v = outcome.failedStep { out.field("failedStep", string: v) }
        if let v = outcome.reason { out.field("reason", string: v) }
        out.key("leftForHuman")
        out.value(.list(outcome.leftForHuman.map(Value.string)))
        out.key("continuedFailures")
        out.value(.list(outcome.continuedFailures.map(Value.string)))
        out.end()
        write(String(decoding: out.bytes, as: UTF8.self) + "\n")
    }
}
