import RunbookYAML
import RunbookCore
import RunbookEngine

/// An in-memory journal for tests; can be told to fail at the n-th event.
public actor MemoryRecorder: EventRecorder {
    public private(set) var events: [RunEvent] = []
    private let failAt: Int?

    /// `failAt`: the 1-based index of the event that throws.
    public init(failAt: Int? = nil) { self.failAt = failAt }

    public struct Refused: Error {}

    public func record(_ event: RunEvent) async throws {
        if let failAt, events.count + 1 >= failAt { throw Refused() }
        events.append(event)
    }

    /// `kind step` for each event with a step, e.g. `stepSucceeded a`.
    public func lines(_ kinds: Set<RunEvent.Kind>) -> [String] {
        events.filter { kinds.contains($0.kind) }.map { "\($0.kind.rawValue) \($0.step ?? "-")" }
    }
}

/// Answers every `confirm` the same way and remembers what was asked.
public actor FixedApprover: Approver {
    private let answer: ApprovalAnswer
    public private(set) var asked: [String] = []
    public init(_ answer: ApprovalAnswer) { self.answer = answer }
    public func confirm(step: String, prompt: String, expected: String) async -> ApprovalAnswer {
        asked.append("\(step): \(prompt) [\(expected)]")
        return answer
    }
}

/// A clock whose time moves only when the engine sleeps: retries and polls run instantly.
public final class VirtualClock: EngineClock, @unchecked Sendable {
    // The lock guards `elapsed` and `sleeps`.
    private let lock = NSLockLike()
    private var elapsed: Duration = .zero
    private var recorded: [Duration] = []
    public init() {}
    public var sleeps: [Duration] { lock.locked { recorded } }
    public func now() -> Duration { lock.locked { elapsed } }
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        lock.locked {
            elapsed += duration
            recorded.append(duration)
        }
        await Task.yield()
    }
}
