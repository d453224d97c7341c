import RunbookYAML
import RunbookCore

/// Decides, for a run being resumed, what happens to each step instance.
///
/// The rule that makes resume safe: a completed instance is never run again (unless the
/// operator says `--from`); an instance that was in flight when the run stopped is run again
/// only when that cannot do harm (`idempotent`, or read-only), is probed first when it has a
/// `verify`, and otherwise waits for the operator's `--rerun` or `--skip`.
public struct ResumePlanner: Sendable {
    /// What the planner needs to know about one step of the runbook.
    public struct StepFacts: Sendable, Hashable {
        /// The step id.
        public var id: String
        /// `idempotent: true`: safe to run again after a crash.
        public var idempotent: Bool
        /// The step has a `verify` (post-condition) that tells whether it took effect.
        public var hasVerify: Bool
        /// False for `check`, `wait` and `confirm`: running them again changes nothing.
        public var changesState: Bool
        /// A `use` step: it does nothing itself; its sub-runbook's steps are journaled (and
        /// decided on resume) one by one under `id/child`.
        public var usesSubRunbook: Bool
        /// Facts given directly (tests, callers without a model).
        public init(id: String, idempotent: Bool = false, hasVerify: Bool = false, changesState: Bool = true,
                    usesSubRunbook: Bool = false) {
            self.id = id
            self.idempotent = idempotent
            self.hasVerify = hasVerify
            self.changesState = changesState
            self.usesSubRunbook = usesSubRunbook
        }
        /// Facts of a loaded step.
        public init(_ step: Step) {
            var usesSubRunbook = false
            if case .use = step.action { usesSubRunbook = true }
            self.init(id: step.id, idempotent: step.idempotent, hasVerify: step.verify != nil,
                      changesState: step.changesState, usesSubRunbook: usesSubRunbook)
        }
    }

    /// The operator's resume flags.
    ///
    /// `--rerun` and `--skip` take a step id or an instance key (`id[item]`, `id@host`,
    /// `id[item]@host`). A key decides exactly that instance; a plain step id decides every
    /// instance of the step that needs a decision (in flight, failed, or its rollback in
    /// flight). Neither ever touches an instance that finished: that takes `--from`.
    public struct Choices: Sendable, Hashable {
        /// `--rerun STEP|KEY`: run these in-flight (or failed) instances again.
        public var rerun: Set<String>
        /// `--skip STEP|KEY`: treat these as done by hand.
        public var skip: Set<String>
        /// `--from STEP`: run this step and every later one again, completed or not.
        public var from: String?
        /// The flags as given.
        public init(rerun: Set<String> = [], skip: Set<String> = [], from: String? = nil) {
            self.rerun = rerun
            self.skip = skip
            self.from = from
        }
    }

    /// The runbook's steps in list order.
    public var steps: [StepFacts]

    /// A planner over the runbook's steps, in list order.
    public init(steps: [StepFacts]) { self.steps = steps }

    /// The decisions for resuming a run in `state`.
    /// - Throws: `ResumeNeedsDecision` listing every instance the operator must decide about,
    ///   and the flags that decide it; `DiagnosticError` for a flag naming an unknown step.
    public func plan(_ state: RunState, choices: Choices = Choices()) throws -> ResumePlan {
        try validate(choices, state: state)
        let fromIndex = choices.from.flatMap { id in steps.firstIndex { $0.id == id } }
        var decisions: [String: ResumePlan.Decision] = [:]
        var undecided: [ResumeNeedsDecision.Instance] = []
        var events: [RunEvent] = []
        for record in state.steps.values.sorted(by: { $0.key < $1.key }) {
            let id = StepKey.stepID(of: record.key)
            guard let index = steps.firstIndex(where: { $0.id == id }) else {
                // The step is gone from the runbook (only possible with --use-current): leave it alone.
                decisions[record.key] = .init(.skip, "step '\(id)' is no longer in the runbook")
                continue
            }
            let facts = steps[index]
            if let fromIndex, index >= fromIndex, !state.rollingBack {
                decisions[record.key] = .init(.rerun, "--from \(choices.from ?? id)")
                continue
            }
            if let decision = decide(record, facts, state: state, choices: choices) {
                decisions[record.key] = decision
                if decision.byOperator {
                    events.append(RunEvent(.operatorDecision, step: record.key, host: record.host,
                                           message: "\(decision.action.rawValue): \(decision.reason)"))
                }
            } else {
                undecided.append(.init(key: record.key, stepID: id, rollback: record.rollbackInFlight))
            }
        }
        if let from = choices.from {
            events.append(RunEvent(.operatorDecision, step: from, message: "from: --from \(from)"))
        }
        if !undecided.isEmpty { throw ResumeNeedsDecision(instances: undecided) }
        // A rollback the operator says was finished by hand (`--skip`) is not run again.
        let rollbackOrder = state.rollbackRemaining.filter { key in
            !(decisions[key].map { $0.byOperator && $0.action == .skip } ?? false)
        }
        for key in rollbackOrder where state.steps[key]?.status == .rollbackFailed {
            events.append(RunEvent(.note, step: key, host: state.steps[key]?.host,
                                   message: "its rollback failed last time; trying it again"))
        }
        return ResumePlan(decisions: decisions, continuesRollback: state.rollingBack,
                          rollbackOrder: rollbackOrder, fromStep: state.rollingBack ? nil : choices.from,
                          decisionEvents: events)
    }

    /// The decision for an instance the journal knows, or nil when the operator must choose.
    private func decide(_ record: RunState.StepRecord, _ facts: StepFacts, state: RunState,
                        choices: Choices) -> ResumePlan.Decision? {
        if record.status.isUnfinished || record.rollbackInFlight {
            // The instance key wins over its step id: `--skip fe --rerun fe[b]` reruns only fe[b].
            for name in [record.key, facts.id] {
                if choices.skip.contains(name) { return .init(.skip, "--skip \(name)", byOperator: true) }
                if choices.rerun.contains(name) { return .init(.rerun, "--rerun \(name)", byOperator: true) }
            }
        }
        if record.rollbackInFlight {
            // A rollback command has no verify: re-running it is safe only for idempotent steps.
            return facts.idempotent ? .init(.rerun, "rollback was in flight; the step is idempotent") : nil
        }
        switch record.status {
        case .succeeded, .skipped, .rolledBack, .rollbackFailed:
            return .init(.skip, "already \(record.status.rawValue)")
        case .failed:
            return .init(.rerun, "failed last time")
        case .inFlight:
            if !facts.changesState { return .init(.rerun, "was in flight; read-only") }
            // Entering the sub-runbook again re-runs nothing by itself: its completed steps are
            // skipped and its in-flight ones get their own decision (or ask the operator).
            if facts.usesSubRunbook { return .init(.rerun, "was in flight; its sub-runbook's steps are resumed one by one") }
            if facts.idempotent { return .init(.rerun, "was in flight; idempotent") }
            if facts.hasVerify { return .init(.probe, "was in flight; its verify decides") }
            return nil
        }
    }

    private func validate(_ choices: Choices, state: RunState) throws {
        let known = Set(steps.map(\.id))
        var problems: [Diagnostic] = []
        let named = choices.rerun.map { ("--rerun", $0) } + choices.skip.map { ("--skip", $0) }
            + (choices.from.map { [("--from", $0)] } ?? [])
        for (flag, name) in named.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            let id = StepKey.stepID(of: name)
            guard known.contains(id) else {
                problems.append(.error("\(flag) \(name): the runbook has no step '\(id)'", at: nil,
                                       hint: "step ids: \(steps.map(\.id).joined(separator: ", "))"))
                continue
            }
            guard name != id else { continue }
            if flag == "--from" {
                problems.append(.error("--from \(name): --from takes a step id, not an instance key", at: nil,
                                       hint: "--from \(id) runs every instance of '\(id)' and every later step again"))
                continue
            }
            // An instance key must name an instance that needs a decision: a finished one is
            // never re-run or re-marked by --rerun/--skip, and a typo must not pass silently.
            let undecided = state.steps.values.filter {
                StepKey.stepID(of: $0.key) == id && ($0.status.isUnfinished || $0.rollbackInFlight)
            }.map(\.key).sorted()
            if !undecided.contains(name) {
                let what = state.steps[name].map { "it already \($0.status.rawValue)" } ?? "the run has no such instance"
                problems.append(.error("\(flag) \(name): \(what)", at: nil,
                                       hint: undecided.isEmpty ? "no instance of '\(id)' needs a decision"
                                           : "instances of '\(id)' that need a decision: \(undecided.joined(separator: ", "))"))
            }
        }
        for id in choices.rerun.intersection(choices.skip).sorted() {
            problems.append(.error("step '\(id)' is given to both --rerun and --skip", at: nil))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }
}

extension RunState.StepStatus {
    /// In flight or failed: a resume has to do something about it.
    var isUnfinished: Bool { self == .inFlight || self == .failed }
}
