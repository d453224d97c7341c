import RunbookCore

extension RunState {
    /// Rebuilds a run's state from its journal, the only source of it.
    ///
    /// A journal that ends without `runFinished` or `runInterrupted` means the process died:
    /// the status becomes `.interrupted` and steps that had started but not ended stay `.inFlight`.
    public static func replay(_ records: [JournalRecord]) -> RunState {
        var state = RunState()
        for record in records { state.apply(record.event) }
        state.finishReplay()
        return state
    }

    /// Ends a replay: a run still `running` at the end of its journal died, so it is interrupted.
    public mutating func finishReplay() {
        if status == .running { status = .interrupted }
    }

    /// Applies one event (replay order is journal order).
    public mutating func apply(_ event: RunEvent) {
        switch event.kind {
        case .runStarted, .runResumed:
            status = .running
        case .stepStarted:
            guard let key = event.step else { return }
            if var record = steps[key] {
                record.status = .inFlight
                record.host = event.host ?? record.host
                steps[key] = record
                // Started again (`--from`): it completes anew, at its new place in the order.
                completionOrder.removeAll { $0 == key }
            } else {
                steps[key] = StepRecord(key: key, status: .inFlight, host: event.host)
            }
        case .attemptStarted:
            guard let key = event.step else { return }
            var record = steps[key] ?? StepRecord(key: key, status: .inFlight, host: event.host)
            record.attempts = max(record.attempts + 1, event.attempt ?? 0)
            steps[key] = record
        case .stepSucceeded:
            finish(event, as: .succeeded)
            if let key = event.step { completionOrder.append(key) }
        case .stepFailed:
            finish(event, as: .failed)
        case .stepSkipped:
            finish(event, as: .skipped)
        case .fileSnapshot:
            guard let key = event.step, let path = event.path else { return }
            snapshots[key, default: []].append(
                FileSnapshotRecord(host: event.host ?? InventoryHost.local.name, path: path, snapshot: event.snapshot))
        case .rollbackStarted:
            rollingBack = true
        case .rollbackStepStarted:
            if let key = event.step { steps[key]?.rollbackInFlight = true }
        case .rollbackStepSucceeded:
            finishRollback(event, as: .rolledBack)
        case .rollbackStepFailed:
            finishRollback(event, as: .rollbackFailed)
        case .rollbackFinished:
            status = steps.values.contains { $0.status == .rollbackFailed } ? .rollbackFailed : .rolledBack
        case .runFinished:
            status = event.message.flatMap(Status.init(rawValue:)) ?? inferredFinalStatus
        case .runInterrupted:
            status = .interrupted
        case .attemptFinished, .attemptProcess, .confirmAsked, .confirmAnswered, .operatorDecision, .note:
            break
        }
    }

    private mutating func finish(_ event: RunEvent, as newStatus: StepStatus) {
        guard let key = event.step else { return }
        var record = steps[key] ?? StepRecord(key: key, status: newStatus, host: event.host)
        record.status = newStatus
        if let outputs = event.outputs { record.outputs = outputs }
        steps[key] = record
    }

    private mutating func finishRollback(_ event: RunEvent, as newStatus: StepStatus) {
        guard let key = event.step, var record = steps[key] else { return }
        record.status = newStatus
        record.rollbackInFlight = false
        steps[key] = record
    }

    /// The status a `runFinished` without a readable message implies.
    private var inferredFinalStatus: Status {
        if steps.values.contains(where: { $0.status == .rollbackFailed }) { return .rollbackFailed }
        if rollingBack { return .rolledBack }
        if steps.values.contains(where: { $0.status == .failed }) { return .failed }
        return .succeeded
    }

    /// Instances started but not finished, sorted by key.
    public var inFlightSteps: [String] {
        steps.values.filter { $0.status == .inFlight }.map(\.key).sorted()
    }

    /// Completed instances whose rollback is still to run, in the order rollback takes them
    /// (reverse completion order); a rollback that failed is still to run (resume retries it).
    public var rollbackRemaining: [String] {
        completionOrder.reversed().filter { steps[$0]?.status == .succeeded || steps[$0]?.status == .rollbackFailed }
    }
}
