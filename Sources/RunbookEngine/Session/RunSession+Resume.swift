import Foundation
import RunbookYAML
import RunbookCore

/// A stopped run, opened for `resume`: its directory, how it was started and where it is.
public struct StoppedRun: Sendable {
    public var directory: RunDirectory
    public var invocation: RunInvocation
    public var state: RunState

    /// Opens a run by id, unique id prefix or path, verifies it (`RunVerifier`: chain, seal,
    /// setup and output files) and replays its journal.
    /// - Throws: `SessionError.locked` when a live process drives the run; `SessionError.invalid`
    ///   for an unknown or finished run, or one that fails verification (the first problem named).
    public static func open(_ reference: String, stateDirectory: String) throws(SessionError) -> StoppedRun {
        do {
            let directory = try RunDirectory.open(reference, stateDirectory: stateDirectory)
            // Before anything else: a run another process drives is not stopped, whatever its journal says.
            if case .held(let holder) = LockProbe.look(at: directory.lockPath) {
                throw SessionError.locked(LockBusy(lock: "run \(directory.runID)", holder: holder,
                                                   stale: holder?.isGone ?? false).diagnostic)
            }
            let verification = try RunVerifier(directory).verify()
            if var problem = verification.problems.first {
                problem.hint = [problem.hint, "resume never builds on a journal or run directory that changed; see `runbook audit verify \(directory.runID)`"]
                    .compactMap { $0 }.joined(separator: "; ")
                throw SessionError.invalid([problem])
            }
            guard let bytes = try PrivateFiles.read("\(directory.path)/\(RunInvocation.fileName)") else {
                throw SessionError.invalid([.error("run \(directory.runID) has no invocation.json; it cannot be resumed", at: nil)])
            }
            let invocation = try JSONDecoder().decode(RunInvocation.self, from: Data(bytes))
            let state = try JournalReader.replay(directory.journalPath).state
            if state.status == .succeeded || state.status == .rolledBack {
                throw SessionError.invalid([.error(
                    "run \(directory.runID) already ended (\(state.status.rawValue)); there is nothing to resume", at: nil,
                    hint: "see what it did with: runbook audit \(directory.runID)")])
            }
            return StoppedRun(directory: directory, invocation: invocation, state: state)
        } catch let error as SessionError {
            throw error
        } catch {
            throw .invalid([.error("cannot resume '\(reference)': \(error)", at: nil)])
        }
    }

    /// The runbook file to resume with: the pinned copy, unless the operator accepts the current file.
    /// - Throws: `SessionError.invalid` showing the first difference when the file changed and
    ///   `useCurrent` is false.
    public func runbookFile(useCurrent: Bool) throws(SessionError) -> String {
        do {
            let current = try PrivateFiles.read(invocation.file)
            let pinned = "\(directory.path)/\(try directory.metadata().pinnedFile)"
            guard let current else {
                return pinned
            }
            if let change = try directory.pinnedRunbookChange(current: current) {
                if useCurrent { return invocation.file }
                var d = change.diagnostic(currentFile: invocation.file)
                d.hint = "resume with the pinned copy by restoring the file, or accept the change with --use-current"
                throw SessionError.invalid([d])
            }
            return useCurrent ? invocation.file : pinned
        } catch let error as SessionError {
            throw error
        } catch {
            throw .invalid([.error("cannot compare the runbook with its pinned copy: \(error)", at: nil)])
        }
    }
}

extension RunSession {
    /// Resumes a stopped run: completed steps are never re-run; in-flight ones are re-run only
    /// when idempotent or read-only, probed with their `verify`, or decided by the operator.
    /// - Parameters:
    ///   - secrets: secret param values, asked again (they were never saved).
    /// - Throws: `SessionError.invalid` (a decision is needed, unknown step in a flag),
    ///   `SessionError.locked` (another process has the run), `SessionError.io`.
    public static func resume(
        _ stopped: StoppedRun, checked: RunbookValidation.Checked, inventory: Inventory, secrets: [String: Value],
        choices: ResumePlanner.Choices, settings: RunSettings, onEngine: @Sendable (Engine) -> Void = { _ in }
    ) async throws(SessionError) -> SessionResult {
        // Held from before the plan to the end: the state the plan is made from cannot move.
        let runLock: any StateLock
        do {
            let holder = LockHolder.current(run: stopped.directory.runID, operatorName: settings.operatorName)
            runLock = try settings.backend.lockRun(stopped.directory, holder: holder, breakLock: settings.breakLock)
        } catch let busy as LockBusy {
            throw .locked(busy.diagnostic)
        } catch {
            throw .io("cannot lock run \(stopped.directory.runID): \(error)")
        }
        // Setups that a killed process left behind (their run lock is free): nothing of them ran.
        RunDirectory.removeAbandonedSetups(stateDirectory: settings.stateDirectory)
        // Read again under the lock: another resume may have moved the run between `open` and here.
        var state: RunState
        do {
            state = try JournalReader.replay(stopped.directory.journalPath).state
        } catch {
            throw .io("cannot read the journal of run \(stopped.directory.runID): \(error)")
        }
        if state.status == .succeeded || state.status == .rolledBack {
            throw .invalid([.error("run \(stopped.directory.runID) already ended (\(state.status.rawValue)) while this resume "
                                   + "waited for its lock; there is nothing to resume", at: nil,
                                   hint: "see what it did with: runbook audit \(stopped.directory.runID)")])
        }
        let plan: ResumePlan
        do {
            plan = try ResumePlanner(steps: stepFacts(checked.runbook, subRunbooks: checked.subRunbooks, prefix: ""))
                .plan(state, choices: choices)
        } catch let needs as ResumeNeedsDecision {
            throw .invalid([needs.diagnostic])
        } catch let error as DiagnosticError {
            throw .invalid(error.diagnostics)
        } catch {
            throw .invalid([.error("\(error)", at: nil)])
        }
        var events = plan.decisionEvents
        for (key, decision) in plan.decisions.sorted(by: { $0.key < $1.key }) {
            let host = state.steps[key]?.host
            switch (decision.action, state.rollingBack) {
            case (.skip, false) where decision.byOperator:
                // Done by hand is done: journaled as succeeded, so a later replay does not find it
                // in flight again and a rollback undoes it like any completed step.
                state.steps[key]?.status = .succeeded
                state.completionOrder.removeAll { $0 == key }
                state.completionOrder.append(key)
                events.append(RunEvent(.stepSucceeded, step: key, host: host, message: "done by hand (--skip)"))
            case (.skip, true) where decision.byOperator && state.steps[key]?.rollbackInFlight == true:
                // Its rollback was finished by hand: never undo it again, now or after another stop.
                state.steps[key]?.status = .rolledBack
                state.steps[key]?.rollbackInFlight = false
                events.append(RunEvent(.rollbackStepSucceeded, step: key, host: host, message: "done by hand (--skip)"))
            case (.run, false), (.rerun, false):
                state.steps.removeValue(forKey: key)
                state.completionOrder.removeAll { $0 == key }
            default:
                break
            }
        }
        if state.rollingBack { state.completionOrder = state.completionOrder.filter { plan.rollbackOrder.contains($0) } }
        let params = stopped.invocation.params.merging(secrets) { a, _ in a }
        let scrubber = SecretScrubber(secrets: secrets.values.flatMap(strings))
        return try await execute(runbook: checked.runbook, subRunbooks: checked.subRunbooks, params: params,
                                 secretNames: Set(stopped.invocation.secretNames), inventory: inventory,
                                 directory: stopped.directory, scrubber: scrubber, from: state,
                                 decisions: events, settings: settings, runLock: runLock, onEngine: onEngine)
    }

    /// Resume facts for every step, sub-runbook steps under their namespaced ids (`parent/child`).
    static func stepFacts(_ runbook: Runbook, subRunbooks: [String: Runbook], prefix: String) -> [ResumePlanner.StepFacts] {
        runbook.steps.flatMap { step -> [ResumePlanner.StepFacts] in
            var facts = ResumePlanner.StepFacts(step)
            facts.id = prefix + step.id
            // A `use` step in flight runs again (ResumePlanner: `usesSubRunbook`); its own steps,
            // listed below under `parent/child`, carry the decisions.
            guard case .use(let use) = step.action else { return [facts] }
            guard let sub = subRunbooks[UseResolver.path(of: use.reference, from: runbook.file)] else { return [facts] }
            return [facts] + stepFacts(sub, subRunbooks: subRunbooks, prefix: facts.id + "/")
        }
    }
}
