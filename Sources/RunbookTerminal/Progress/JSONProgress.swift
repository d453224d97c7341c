import Foundation
import RunbookEngine

/// `--output json`: one JSON object per line — every event as recorded, then the outcome.
public actor JSONProgress: ProgressReporter {
    private let write: @Sendable (String) -> Void
    private let encoder: JSONEncoder

    /// - Parameter write: receives each line with its newline (default: stdout).
    public init(write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.write = write
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// The final line.
    struct Outcome: Encodable {
        var kind = "outcome"
        var status: RunState.Status
        var exitCode: Int32
        var failedStep: String?
        var reason: String?
        var leftForHuman: [String]
        var continuedFailures: [String]
    }

    /// An event's fields plus `time`, flat, so `jq 'select(.kind == "stepFailed")'` works.
    struct Line: Encodable {
        var time: String
        var event: RunEvent
        enum Keys: String, CodingKey { case time }
        func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(time, forKey: .time)
        }
    }

    public func report(_ event: RunEvent) async {
        let time = ISO8601DateFormatter().string(from: Date())
        guard let data = try? encoder.encode(Line(time: time, event: event)) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    public func finish(_ outcome: RunOutcome) async {
        let line = Outcome(status: outcome.status, exitCode: outcome.exitCode, failedStep: outcome.failedStep,
                           reason: outcome.reason, leftForHuman: outcome.leftForHuman,
                           continuedFailures: outcome.continuedFailures)
        guard let data = try? encoder.encode(line) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
