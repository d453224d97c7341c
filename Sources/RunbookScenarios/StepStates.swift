import RunbookEngine

/// How each step instance of a run ended, as the journal's one fold (`RunState`) says: the
/// scenario words for its statuses (`succeeded`, `failed`, `skipped`, `rolled_back`, …).
struct StepStates: Sendable {
    private let steps: [String: RunState.StepRecord]

    init(_ state: RunState) { steps = state.steps }

    /// The step id of an instance key (`drain@node-1`, `fe[a]`).
    static func id(of key: String) -> String {
        String(key.prefix { $0 != "@" && $0 != "[" })
    }

    /// The states the instances of `id` ended in (`not_run` when none started).
    func states(of id: String) -> Set<String> {
        let found = steps.values.filter { $0.key == id || Self.id(of: $0.key) == id }.map { record in
            switch record.status {
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .skipped: "skipped"
            case .rolledBack: "rolled_back"
            case .rollbackFailed: "rollback_failed"
            case .inFlight: "in_flight"
            }
        }
        return found.isEmpty ? ["not_run"] : Set(found)
    }
}
