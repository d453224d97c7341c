import RunbookCore

/// Runs one step instance: its `when`, its action, its verify and captures, and records it.
struct InstanceRunner: Sendable {
    var env: ExecutionEnvironment
    var scope: RunScope
    var step: Step
    var planned: PlannedInstance

    var key: String { planned.key }
    var hostName: String? { planned.host?.name }
    var coordinator: RunCoordinator { env.coordinator }

    func run() async -> InstanceResult {
        if let previous = coordinator.resumedFrom?.steps[key] {
            switch previous.status {
            case .succeeded:
                let context = await env.context(for: scope, host: planned.host, item: planned.item)
                await coordinator.completed(CompletedInstance(key: key, step: step, context: context,
                                                              host: planned.host ?? .local))
                return .succeeded(previous.outputs)
            case .rollbackFailed where coordinator.replayOnly:
                // Resuming a run whose rollback failed: this rollback is tried again.
                let context = await env.context(for: scope, host: planned.host, item: planned.item)
                await coordinator.completed(CompletedInstance(key: key, step: step, context: context,
                                                              host: planned.host ?? .local))
                return .succeeded(previous.outputs)
            case .skipped: return .skipped
            default: break
            }
        }
        if coordinator.replayOnly { return .halted }
        if case .use(let use) = step.action {
            guard !(await coordinator.stopLaunching) else { return .halted }
            if let skipped = await skipIfWhenIsFalse() { return skipped }
            return await SubRunbookAction(runner: self).run(use)
        }
        if !(await env.permits.tryAcquire()) {
            // A wait as long as another instance's command: what is journaled gets durable first.
            await coordinator.settle()
            await env.permits.acquire()
        }
        let result = await runHoldingPermit()
        await env.permits.release()
        return result
    }

    /// Evaluates `when`: `.skipped` (journaled) when it is false, a failure when it cannot be
    /// evaluated, nil when the step should run.
    private func skipIfWhenIsFalse() async -> InstanceResult? {
        guard let when = step.when else { return nil }
        let context = await env.context(for: scope, host: planned.host, item: planned.item)
        do {
            if try env.resolver.when(of: step, in: context) != false { return nil }
        } catch {
            return await failBeforeStart(error.description)
        }
        let ok = await coordinator.emit(RunEvent(.stepSkipped, step: key, host: hostName,
                                                 message: "when is false: \(when.raw)"))
        return ok ? .skipped : .halted
    }

    private func runHoldingPermit() async -> InstanceResult {
        guard !(await coordinator.stopLaunching), !Task.isCancelled else { return .halted }

        let context = await env.context(for: scope, host: planned.host, item: planned.item)
        if let skipped = await skipIfWhenIsFalse() { return skipped }
        let transport: any Transport
        do {
            transport = try env.transports.transport(for: planned.host ?? .local)
        } catch {
            return await failBeforeStart("\(error)")
        }
        let commands = CommandRunner(env: env, key: key, host: hostName, transport: transport, timeout: step.timeout)
        if coordinator.resumedFrom?.steps[key]?.status == .inFlight,
            await ResumeProbe(runner: self, commands: commands, context: context).stepTookEffect()
        {
            await coordinator.emit(RunEvent(.note, step: key, host: hostName,
                                            message: "was in flight; its verify holds now, so it is not run again"))
            return await conclude(.succeeded([:]), context: context)
        }
        let outcome: ActionOutcome
        switch step.action {
        case .run(let template):
            outcome = await RunAction(runner: self, commands: commands, context: context).run(template)
        case .check(let condition):
            outcome = await RunAction(runner: self, commands: commands, context: context).check(condition)
        case .wait(let condition):
            outcome = await RunAction(runner: self, commands: commands, context: context).wait(condition)
        case .confirm(let confirmation):
            outcome = await ConfirmAction(runner: self, context: context).run(confirmation)
        case .file(let action):
            let performed = await FileActionRunner(runner: self, transport: transport, commands: commands)
                .perform(action, context: context)
            if case .succeeded = performed {
                var number = 0
                outcome = await RunAction(runner: self, commands: commands, context: context).verifying(after: &number)
                    ?? performed
            } else {
                outcome = performed
            }
        case .use:
            outcome = .halted
        }
        return await conclude(outcome, context: context)
    }

    /// Records `stepStarted`; false when the journal refused it (then nothing may run).
    /// `waiting: false` for a step whose next act is a command: the line's fsync then runs while
    /// the command's process is spawned, and `CommandRunner` opens its gate only once the line
    /// is durable (`RunCoordinator.readyForCommand`).
    func started(command: String? = nil, waiting: Bool = true) async -> Bool {
        await coordinator.emit(RunEvent(.stepStarted, step: key, host: hostName, command: command, message: step.title),
                               waiting: waiting)
    }

    private func failBeforeStart(_ reason: String) async -> InstanceResult {
        let ok = await coordinator.emit(RunEvent(.stepFailed, step: key, host: hostName, message: reason))
        return ok ? .failed(reason) : .halted
    }

    /// Records how the instance ended and remembers it for rollback when it completed.
    func conclude(_ outcome: ActionOutcome, context: EvaluationContext) async -> InstanceResult {
        switch outcome {
        case .succeeded(let outputs):
            // Not waited for: the next command waits for it (see `RunCoordinator.emit`).
            let event = RunEvent(.stepSucceeded, step: key, host: hostName, outputs: outputs.isEmpty ? nil : outputs)
            guard await coordinator.emit(event, waiting: false) else { return .halted }
            await coordinator.completed(CompletedInstance(key: key, step: step, context: context,
                                                          host: planned.host ?? .local))
            return .succeeded(outputs)
        case .failed(let reason, let status):
            guard await coordinator.emit(RunEvent(.stepFailed, step: key, host: hostName, status: status,
                                                  message: reason), waiting: false)
            else { return .halted }
            return .failed(reason)
        case .halted:
            return .halted
        }
    }
}

/// How an action ended.
enum ActionOutcome: Sendable {
    case succeeded([String: Value])
    case failed(String, ExitStatus?)
    /// Interrupted or stopped; nothing more is recorded for the instance (it stays in flight).
    case halted
}
