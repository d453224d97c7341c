import RunbookCore

/// Shows a run to the operator while it happens: plain lines, a live terminal view, or JSON.
public protocol ProgressReporter: Sendable {
    /// Called after each event has been recorded.
    func report(_ event: RunEvent) async
    /// Output of a running step instance as it arrives (the live view shows the last line).
    func output(step: String, stream: OutputStream, bytes: [UInt8]) async
    /// Called once at the end with the outcome.
    func finish(_ outcome: RunOutcome) async
}

extension ProgressReporter {
    /// Reporters that do not show output ignore it.
    public func output(step: String, stream: OutputStream, bytes: [UInt8]) async {}
    /// Reporters with nothing to say at the end ignore it.
    public func finish(_ outcome: RunOutcome) async {}
}

/// Shows nothing (tests, `--quiet`).
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func report(_ event: RunEvent) async {}
}
