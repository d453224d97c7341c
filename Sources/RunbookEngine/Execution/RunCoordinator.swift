import RunbookCore

/// The shared state of one run: what completed (for rollback), what failed, whether to keep
/// launching steps, and the one path by which events reach the journal and the progress view.
actor RunCoordinator {
    private let recorder: any EventRecorder
    private let reporter: any ProgressReporter
    /// Serialises recording so the state below changes in exactly the journal's order.
    private let recording = Permits(1)

    private(set) var state: RunState
    private(set) var stopLaunching = false
    private(set) var interrupted = false
    private(set) var halt: RunHalt?
    private(set) var journalFailure: String?
    private(set) var ledger: [CompletedInstance] = []
    private(set) var continuedFailures: [String] = []
    /// Per scope prefix, per step id: what expressions see as `steps.<id>`.
    private var stepContexts: [String: [String: EvaluationContext.StepContext]] = [:]
    /// The state a resumed run started from: its completed instances are not run again.
    let resumedFrom: RunState?
    /// True when resuming a rollback: the graph is walked only to find what completed; nothing new runs.
    let replayOnly: Bool

    init(recorder: any EventRecorder, reporter: any ProgressReporter, resumedFrom: RunState?) {
        self.recorder = recorder
        self.reporter = reporter
        self.resumedFrom = resumedFrom
        self.replayOnly = resumedFrom?.rollingBack == true
        self.state = resumedFrom ?? RunState()
        self.state.status = .running
    }

    /// Records an event, then shows it. Returns false (and stops the run) when the journal
    /// refused it: the engine never goes on without a record of what it does.
    @discardableResult
    func emit(_ event: RunEvent) async -> Bool {
        await recording.acquire()
        guard journalFailure == nil else {
            await recording.release()
            return false
        }
        let pending: Int?
        do {
            pending = try await recorder.write(event)
        } catch {
            journalFailure = "the journal could not record \(event.kind.rawValue): \(error)"
            stopLaunching = true
            await recording.release()
            return false
        }
        apply(event)
        await recording.release()
        // Outside the serialised part: instances running in parallel share one fsync (group
        // commit), and the caller still goes on only once its event is durable.
        if let pending {
            do {
                try await recorder.makeDurable(through: pending)
            } catch {
                if journalFailure == nil { journalFailure = "the journal could not record \(event.kind.rawValue): \(error)" }
                stopLaunching = true
                return false
            }
        }
        await reporter.report(event)
        return true
    }

    /// The one fold of events into `RunState`, the same `RunState.apply` journal replay uses: the
    /// outcome's state is exactly what `resume` rebuilds (restarts, attempts, rollback in flight).
    private func apply(_ event: RunEvent) {
        state.apply(event)
    }

    func completed(_ instance: CompletedInstance) { ledger.append(instance) }

    /// The ledger in completion order: instances completed before a resume (in the journal's
    /// order) first, then those completed in this run.
    func ledgerInRollbackOrder() -> [CompletedInstance] {
        guard let previous = resumedFrom?.completionOrder else { return ledger }
        let position = Dictionary(previous.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let old = ledger.filter { position[$0.key] != nil }.sorted { position[$0.key, default: 0] < position[$1.key, default: 0] }
        return old + ledger.filter { position[$0.key] == nil }
    }

    /// The first failure under `rollback` or `stop` halts the run; later ones are only recorded.
    func fail(step: String, reason: String, policy: Step.FailurePolicy) {
        if policy == .continue {
            continuedFailures.append(step)
            return
        }
        stopLaunching = true
        if halt == nil { halt = RunHalt(step: step, reason: reason, policy: policy) }
    }

    /// SIGINT/SIGTERM or an unanswerable `confirm`: stop launching; the run ends resumable.
    func interrupt(step: String? = nil, reason: String) {
        stopLaunching = true
        interrupted = true
        if halt == nil, let step { halt = RunHalt(step: step, reason: reason, policy: .stop) }
    }

    func setStepContext(scope: String, id: String, _ context: EvaluationContext.StepContext) {
        stepContexts[scope, default: [:]][id] = context
    }

    func stepContexts(scope: String) -> [String: EvaluationContext.StepContext] { stepContexts[scope] ?? [:] }

    func markFinal(_ status: RunState.Status) { state.status = status }
}
