import Foundation
import RunbookEngine

/// Timestamped lines, one per event worth showing: for logs, CI and terminals that are not live.
public actor PlainProgress: ProgressReporter {
    private let text: ProgressText
    private let write: @Sendable (String) -> Void
    private var started: [String: ContinuousClock.Instant] = [:]

    /// - Parameter write: receives each line with its newline (default: stdout).
    public init(style: ProgressStyle, write: @escaping @Sendable (String) -> Void = { StandardStream.output.write($0) }) {
        self.text = ProgressText(style: style)
        self.write = write
    }

    public func report(_ event: RunEvent) async {
        var elapsed: Duration?
        if let key = event.step {
            if event.kind == .stepStarted { started[key] = .now }
            if [.stepSucceeded, .stepFailed].contains(event.kind), let start = started.removeValue(forKey: key) {
                elapsed = .now - start
            }
        }
        guard let line = text.line(event, elapsed: elapsed) else { return }
        write("\(ProgressText.clockTime()) \(line)\n")
    }

    public func finish(_ outcome: RunOutcome) async {
        for line in text.summary(outcome) { write("\(ProgressText.clockTime()) \(line)\n") }
    }
}
