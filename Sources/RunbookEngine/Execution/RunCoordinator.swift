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
    /// Per instance key: the sequence number of its `stepStarted` line, which its commands wait
    /// to be durable (`readyForCommand`).
    private var startedLines: [String: Int] = [:]
    /// The last line written whose durability the writer did not wait for (`emit(_:waiting: false)`).
    private var unwaitedThrough = 0
    /// The last of those lines an fsync has been asked for (`requestDurability`).
    private var requestedThrough = 0
    /// Every line up to this one is known durable: later checks need not ask the recorder.
    private var durableThrough = 0
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
    ///
    /// `waiting: false` (issue 15) returns once the line is written: its fsync starts now and
    /// runs while the engine goes on, and no command runs before it is durable, because every
    /// command first waits for its own step's `stepStarted` line (`readyForCommand`), which comes
    /// later in the journal. Used for a command step's `stepStarted` (the fsync overlaps the
    /// spawn of the gated process) and for an instance's end event (it shares that fsync with
    /// the next step's start), unless the recorder refuses (`EventRecorder.defersEndLines`: etcd).
    /// What a step did is durable before the next command starts, as before; what changes is
    /// that the engine prepares that command meanwhile.
    @discardableResult
    func emit(_ event: RunEvent, waiting: Bool = true) async -> Bool {
        let waiting = waiting || (event.kind.endsInstance && !recorder.defersEndLines)
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
        if let key = event.step {
            if event.kind == .stepStarted, let pending {
                startedLines[key] = pending
            } else if event.kind.endsInstance {
                startedLines[key] = nil
            }
        }
        await recording.release()
        if let pending, !waiting {
            unwaitedThrough = max(unwaitedThrough, pending)
            // A start's fsync begins now, to run while the process is spawned. An end line's
            // waits for the next start, which covers both in one fsync, unless the engine is
            // about to wait first (`settle`).
            if event.kind == .stepStarted { requestDurability(what: event.kind.rawValue) }
        } else if let pending {
            // Outside the serialised part: instances running in parallel share one fsync (group
            // commit), and the caller still goes on only once its event is durable.
            guard await makeDurable(through: pending, what: event.kind.rawValue) else { return false }
        }
        await reporter.report(event)
        return true
    }

    /// Waits until the lines up to `sequence` are durable; a failure (of the line saying
    /// `what`) stops the run.
    @discardableResult
    private func makeDurable(through sequence: Int, what: String) async -> Bool {
        if sequence <= durableThrough { return true }
        do {
            try await recorder.makeDurable(through: sequence)
        } catch {
            if journalFailure == nil { journalFailure = "the journal could not record \(what): \(error)" }
            stopLaunching = true
            return false
        }
        durableThrough = max(durableThrough, sequence)
        return true
    }

    /// Starts making every line written without waiting durable, without waiting for it.
    private func requestDurability(what: String) {
        guard unwaitedThrough > max(durableThrough, requestedThrough) else { return }
        requestedThrough = unwaitedThrough
        let through = unwaitedThrough
        Task(executorPreference: IOReactor.preference) { await self.makeDurable(through: through, what: what) }
    }

    /// Called where the engine is about to wait for something other than its next line (a
    /// running command, a permit): the end lines not yet durable start their fsync now, so
    /// none stays in the page cache for the length of a command.
    func settle() {
        requestDurability(what: "the end of a step")
    }

    /// Returns once the instance's command may run: its `stepStarted` line, and every line
    /// before it, is durable (an instance that has none yet, e.g. a resume's verify probe,
    /// waits for every line written without waiting). False when the journal failed: then
    /// the command must not run.
    func readyForCommand(_ key: String) async -> Bool {
        guard journalFailure == nil else { return false }
        let through = startedLines[key] ?? unwaitedThrough
        guard await makeDurable(through: through, what: "the lines before \(key)'s command") else { return false }
        return journalFailure == nil
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

extension RunEvent.Kind {
    /// The events that end a step instance.
    var endsInstance: Bool { self == .stepSucceeded || self == .stepFailed || self == .stepSkipped }
}
