import RunbookYAML
import RunbookCore

/// What a resume does: a decision per step instance the journal knows; instances it does not
/// know have not started and simply run.
public struct ResumePlan: Sendable, Hashable {
    /// What happens to one instance.
    public enum Action: String, Sendable, Hashable {
        /// Leave it: completed (or skipped by the operator).
        case skip
        /// Not started: run it as usual.
        case run
        /// Run it again from its first attempt.
        case rerun
        /// Run its `verify` once: if it holds, journal the instance as succeeded; else rerun it.
        case probe
    }

    /// A decision and why it was taken.
    public struct Decision: Sendable, Hashable {
        /// What happens to the instance.
        public var action: Action
        /// Why, for the terminal and the journal.
        public var reason: String
        /// Taken because of a `--rerun`/`--skip` flag (journaled as `operatorDecision`).
        public var byOperator: Bool
        /// A decision.
        public init(_ action: Action, _ reason: String, byOperator: Bool = false) {
            self.action = action
            self.reason = reason
            self.byOperator = byOperator
        }
    }

    /// Decisions by instance key.
    public var decisions: [String: Decision]
    /// True when the run was rolling back: resume continues the rollback, not the steps.
    public var continuesRollback: Bool
    /// Instances whose rollback is still to run, in rollback order (when `continuesRollback`);
    /// an instance whose in-flight rollback the operator `--skip`ped is left out, one they
    /// `--rerun` stays in.
    public var rollbackOrder: [String]
    /// `--from STEP`, when given.
    public var fromStep: String?
    /// `operatorDecision` events the engine journals right after `runResumed`.
    public var decisionEvents: [RunEvent]

    /// The action for an instance: its decision, or `.run` when the journal never saw it start.
    public func action(for instance: StepInstance) -> Action {
        decisions[instance.key]?.action ?? .run
    }
}

/// Resume cannot go on without the operator: steps that were in flight are neither
/// idempotent nor verifiable, so re-running them could do something twice.
public struct ResumeNeedsDecision: Error, Sendable, Hashable, CustomStringConvertible {
    /// One undecided instance.
    public struct Instance: Sendable, Hashable {
        /// The instance key (`StepInstance.key`).
        public var key: String
        /// The step id, for the flags.
        public var stepID: String
        /// The instance's rollback (not the step) was in flight.
        public var rollback: Bool
        /// An undecided instance.
        public init(key: String, stepID: String, rollback: Bool) {
            self.key = key
            self.stepID = stepID
            self.rollback = rollback
        }
    }
    /// Every undecided instance, sorted by key.
    public var instances: [Instance]

    /// The error as a diagnostic with the flags to pass.
    public var diagnostic: Diagnostic {
        let list = instances.map { "\($0.key)\($0.rollback ? " (its rollback)" : "")" }.joined(separator: ", ")
        let ids = Array(Set(instances.map(\.stepID))).sorted()
        let flags = ids.map { "--rerun \($0) or --skip \($0)" }.joined(separator: "; ")
        // A step id decides all of its instances listed; an instance key (quoted for the shell) just one.
        let keyed = instances.first { $0.key != $0.stepID }.map {
            "; to decide one instance, name its key: --rerun '\($0.key)'"
        } ?? ""
        return .error("cannot tell whether these were done when the run stopped: \(list)", at: nil,
                      hint: "check by hand, then resume with \(flags) (a step without `idempotent: true` or `verify:` is never re-run silently)\(keyed)")
    }

    public var description: String { diagnostic.description }
}
