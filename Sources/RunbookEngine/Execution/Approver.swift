/// The operator's answer to a `confirm` step.
public enum ApprovalAnswer: Sendable, Hashable {
    /// The expected answer was given; `by` says how (`typed at /dev/tty`, `--yes`).
    case approved(by: String)
    /// Something else was typed (kept for the journal; never a secret: prompts hold no secrets in clear).
    case refused(typed: String)
    /// Nobody can answer (no terminal); the run stops, resumable.
    case unavailable(reason: String)
}

/// Asks the operator to approve a `confirm` step.
public protocol Approver: Sendable {
    /// Shows `prompt` for step instance `step` and waits for the operator to type `expected` exactly.
    func confirm(step: String, prompt: String, expected: String) async -> ApprovalAnswer

    /// The same, with the expected answer shown as `shown` (secrets masked): the terminal is a
    /// sink like any other. The default shows nothing more than `confirm(step:prompt:expected:)`.
    func confirm(step: String, prompt: String, expected: String, shown: String) async -> ApprovalAnswer
}

extension Approver {
    public func confirm(step: String, prompt: String, expected: String, shown: String) async -> ApprovalAnswer {
        await confirm(step: step, prompt: prompt, expected: expected)
    }
}
