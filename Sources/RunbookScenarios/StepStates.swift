import RunbookEngine

/// How each step instance of a run ended, read from its journal: the last of `stepSucceeded`,
/// `stepFailed`, `stepSkipped`; `rolled_back` when its rollback succeeded.
struct StepStates: Sendable {
    private(set) var final: [String: String] = [:]
    private(set) var rolledBack: Set<String> = []

    init(_ records: [JournalRecord]) {
        for record in records {
            let event = record.event
            guard let step = event.step else { continue }
            let key = event.host.map { step.hasSuffix("@\($0)") ? step : "\(step)@\($0)" } ?? step
            switch event.kind {
            case .stepSucceeded: final[key] = "succeeded"
            case .stepFailed: final[key] = "failed"
            case .stepSkipped: final[key] = "skipped"
            case .rollbackStepSucceeded: rolledBack.insert(key)
            default: break
            }
        }
    }

    /// The step id of an instance key (`drain@node-1`, `fe[a]`).
    static func id(of key: String) -> String {
        String(key.prefix { $0 != "@" && $0 != "[" })
    }

    /// The states the instances of `id` ended in (`not_run` when none started).
    func states(of id: String) -> Set<String> {
        let keys = final.keys.filter { $0 == id || Self.id(of: $0) == id }
        var states = Set(keys.compactMap { final[$0] })
        if rolledBack.contains(where: { $0 == id || Self.id(of: $0) == id }) { states = ["rolled_back"] }
        return states.isEmpty ? ["not_run"] : states
    }
}
