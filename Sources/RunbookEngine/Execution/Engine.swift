import Foundation
import RunbookCore

/// Runs a runbook for real: schedules its step graph, runs each step on its hosts, records
/// every event, and rolls back completed steps when one fails.
///
/// The engine talks only to protocols (transports, journal, approver, progress view, output
/// store), so each can be swapped in tests.
public final class Engine: Sendable {
    private let runbook: Runbook
    private let params: [String: Value]
    private let secretParams: Set<String>
    private let recorder: any EventRecorder
    private let environment: @Sendable (RunCoordinator) -> ExecutionEnvironment
    private let control = InterruptControl()

    /// - Parameters:
    ///   - subRunbooks: runbooks `use` steps may name, by runbook name.
    ///   - params: resolved, validated param values (defaults are applied here when missing).
    ///   - secretParams: names of params whose values must never be shown or journaled in clear.
    ///   - outputs: where each attempt's output and each file snapshot is kept.
    public init(runbook: Runbook, subRunbooks: [String: Runbook] = [:], params: [String: Value],
                secretParams: Set<String> = [], inventory: Inventory, transports: any TransportProvider,
                recorder: any EventRecorder, approver: any Approver, reporter: any ProgressReporter,
                outputs: any OutputStore, options: EngineOptions = EngineOptions()) {
        self.runbook = runbook
        self.params = RunScope.resolvedParams(params, for: runbook)
        self.secretParams = secretParams.union(runbook.params.filter(\.secret).map(\.name))
        self.recorder = recorder
        let permits = Permits(options.parallel)
        self.environment = { coordinator in
            ExecutionEnvironment(subRunbooks: subRunbooks, inventory: inventory, transports: transports,
                                 approver: approver, reporter: reporter, outputs: outputs, options: options,
                                 coordinator: coordinator, permits: permits)
        }
        self.reporter = reporter
    }

    private let reporter: any ProgressReporter

    /// Runs the runbook, or resumes it from `state` (completed instances are not run again and
    /// their captures are restored; a run that was rolling back goes on rolling back).
    /// - Parameter startJournaled: the caller already journaled `runStarted` (a session does, before
    ///   the run directory is published, so a published run's journal never lacks its first line);
    ///   the engine then only shows it.
    public func run(from state: RunState? = nil, startJournaled: Bool = false) async -> RunOutcome {
        let coordinator = RunCoordinator(recorder: recorder, reporter: reporter, resumedFrom: state)
        let env = environment(coordinator)
        let scope = RunScope(prefix: "", runbook: runbook, params: params, secretParams: secretParams)
        let start = RunEvent(state == nil ? .runStarted : .runResumed, message: runbook.name)
        if state == nil, startJournaled {
            await reporter.report(start)
        } else {
            guard await coordinator.emit(start) else { return await conclude(coordinator, status: .failed) }
        }

        let work = Task(executorPreference: IOReactor.preference) {
            _ = await GraphRunner(env: env, scope: scope).run()
            let halt = await coordinator.halt
            let rollingBack = state?.rollingBack == true
            guard !(await coordinator.interrupted), await coordinator.journalFailure == nil,
                rollingBack || halt?.policy == .rollback
            else { return RollbackSaga.Result?.none }
            return await RollbackSaga(env: env).run(await coordinator.ledgerInRollbackOrder())
        }
        control.started(work) { Task(executorPreference: IOReactor.preference) { await coordinator.interrupt(reason: "interrupted") } }
        let saga = await work.value
        control.finished()

        if await coordinator.journalFailure != nil { return await conclude(coordinator, status: .failed) }
        if let saga {
            if saga.interrupted { return await interrupted(coordinator, left: saga.left) }
            return await conclude(coordinator, status: saga.completed ? .rolledBack : .rollbackFailed, left: saga.left)
        }
        if await coordinator.interrupted || control.wasInterrupted { return await interrupted(coordinator, left: []) }
        if await coordinator.halt != nil { return await conclude(coordinator, status: .failed) }
        return await conclude(coordinator, status: .succeeded)
    }

    /// SIGINT/SIGTERM: stop launching steps and end running commands gracefully (the transport
    /// terminates their process trees). The run then ends with exit 4, resumable.
    public func interrupt() { control.interrupt() }

    private func interrupted(_ coordinator: RunCoordinator, left: [String]) async -> RunOutcome {
        let running = await coordinator.state.steps.values.filter { $0.status == .inFlight }.map(\.key).sorted()
        let message = running.isEmpty ? "interrupted" : "interrupted; in flight: \(running.joined(separator: ", "))"
        await coordinator.emit(RunEvent(.runInterrupted, message: message))
        return await outcome(coordinator, status: .interrupted, left: left)
    }

    private func conclude(_ coordinator: RunCoordinator, status: RunState.Status, left: [String] = []) async -> RunOutcome {
        // Unrecorded (the journal failed, perhaps only at the fsync of the last step's end
        // event, which the step did not wait for): the run cannot vouch for what it did.
        let recorded = await coordinator.emit(RunEvent(.runFinished, message: status.rawValue))
        return await outcome(coordinator, status: recorded ? status : .failed, left: left)
    }

    private func outcome(_ coordinator: RunCoordinator, status: RunState.Status, left: [String]) async -> RunOutcome {
        await coordinator.markFinal(status)
        let halt = await coordinator.halt
        let result = RunOutcome(status: status, state: await coordinator.state, failedStep: halt?.step,
                                reason: await coordinator.journalFailure ?? halt?.reason, leftForHuman: left,
                                continuedFailures: await coordinator.continuedFailures)
        await reporter.finish(result)
        return result
    }
}

/// Holds the running work so an interrupt from a signal handler can cancel it.
final class InterruptControl: @unchecked Sendable {
    // NSLock guards every field; the class is shared between the run and signal handlers.
    private let lock = NSLock()
    private var work: Task<RollbackSaga.Result?, Never>?
    private var onInterrupt: (@Sendable () -> Void)?
    private var interrupted = false

    var wasInterrupted: Bool { lock.withLock { interrupted } }

    func started(_ task: Task<RollbackSaga.Result?, Never>, onInterrupt: @escaping @Sendable () -> Void) {
        let already = lock.withLock {
            work = task
            self.onInterrupt = onInterrupt
            return interrupted
        }
        if already {
            onInterrupt()
            task.cancel()
        }
    }

    func finished() { lock.withLock { work = nil } }

    func interrupt() {
        let (task, notify) = lock.withLock {
            interrupted = true
            return (work, onInterrupt)
        }
        notify?()
        task?.cancel()
    }
}
