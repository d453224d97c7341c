import RunbookCore

/// Undoes completed step instances in exact reverse completion order: their `rollback`
/// actions, or, for file actions without one, their snapshots. Stops at the first failure and
/// lists what is left for a human.
struct RollbackSaga: Sendable {
    var env: ExecutionEnvironment

    /// What the saga achieved.
    struct Result: Sendable {
        var completed: Bool
        var interrupted: Bool
        /// Rollbacks not done, most recent first: `key: what`.
        var left: [String]
    }

    func run(_ entries: [CompletedInstance]) async -> Result {
        let coordinator = env.coordinator
        let state = await coordinator.state
        let pending = entries.reversed().filter { entry in
            state.steps[entry.key]?.status != .rolledBack
                && (!entry.step.rollback.isEmpty || !(state.snapshots[entry.key] ?? []).isEmpty)
        }
        guard await coordinator.emit(RunEvent(.rollbackStarted, message: "\(pending.count) step(s) to roll back")) else {
            return Result(completed: false, interrupted: false, left: pending.map { describe($0, state) })
        }
        for (index, entry) in pending.enumerated() {
            // SIGINT between two rollbacks: stop here; resume goes on with this one.
            if Task.isCancelled { return Result(completed: false, interrupted: true, left: pending[index...].map { describe($0, state) }) }
            let host = entry.host == .local ? nil : entry.host.name
            guard await coordinator.emit(RunEvent(.rollbackStepStarted, step: entry.key, host: host)) else {
                return Result(completed: false, interrupted: false, left: pending[index...].map { describe($0, state) })
            }
            let failure = await undo(entry, snapshots: state.snapshots[entry.key] ?? [])
            if let failure {
                if Task.isCancelled {
                    // Interrupted mid-rollback: it did not fail, it was stopped. Nothing more is
                    // journaled for it, so it stays in flight and resume decides about it.
                    return Result(completed: false, interrupted: true, left: pending[index...].map { describe($0, state) })
                }
                await coordinator.emit(RunEvent(.rollbackStepFailed, step: entry.key, host: host, message: failure))
                let left = ["\(entry.key): \(failure) — still to do: \(describe(entry, state))"]
                    + pending[(index + 1)...].map { describe($0, state) }
                await coordinator.emit(RunEvent(.rollbackFinished, message: "incomplete: \(left.count) left"))
                return Result(completed: false, interrupted: false, left: left)
            }
            guard await coordinator.emit(RunEvent(.rollbackStepSucceeded, step: entry.key, host: host)) else {
                return Result(completed: false, interrupted: false,
                              left: pending[(index + 1)...].map { describe($0, state) })
            }
        }
        await coordinator.emit(RunEvent(.rollbackFinished, message: "complete"))
        return Result(completed: true, interrupted: false, left: [])
    }

    /// Runs one instance's rollback; nil on success, else why it failed.
    private func undo(_ entry: CompletedInstance, snapshots: [FileSnapshotRecord]) async -> String? {
        let transport: any Transport
        do { transport = try env.transports.transport(for: entry.host) } catch { return "\(error)" }
        if entry.step.rollback.isEmpty {
            for snapshot in snapshots.reversed() {
                do {
                    if let name = snapshot.snapshot {
                        let bytes = try await env.outputs.loadSnapshot(name)
                        try await transport.writeFile(snapshot.path, contents: bytes, mode: nil)
                    } else {
                        try await transport.removeFile(snapshot.path)
                    }
                } catch {
                    return "restoring \(snapshot.path): \(error)"
                }
            }
            return nil
        }
        let commands = CommandRunner(env: env, key: entry.key, host: entry.host == .local ? nil : entry.host.name,
                                     transport: transport, timeout: entry.step.timeout)
        for (number, action) in entry.step.rollback.enumerated() {
            switch action {
            case .run(let template):
                let command: TemplateRenderer.Rendered
                do { command = try env.render(template, entry.context, .shell) } catch { return error.description }
                let attempt = await commands.attempt(command, number: number + 1, label: "rollback")
                if !attempt.succeeded { return "rollback `\(command.redacted)`: \(attempt.reason)" }
            case .file(let fileAction):
                if let failure = await RollbackFileAction(env: env, transport: transport, commands: commands)
                    .perform(fileAction, context: entry.context)
                {
                    return failure
                }
            }
        }
        return nil
    }

    /// What a rollback would have done, for the list a human works through.
    private func describe(_ entry: CompletedInstance, _ state: RunState) -> String {
        if entry.step.rollback.isEmpty {
            let files = (state.snapshots[entry.key] ?? []).map { s in
                s.snapshot.map { "restore \(s.path) from \($0)" } ?? "remove \(s.path)"
            }
            return "\(entry.key): \(files.joined(separator: "; "))"
        }
        let actions = entry.step.rollback.map { action -> String in
            switch action {
            case .run(let t): (try? env.render(t, entry.context, .shell).redacted) ?? t.raw
            case .file(let f): f.keyword
            }
        }
        return "\(entry.key): \(actions.joined(separator: "; "))"
    }
}
