import RunbookCore

/// Walks one scope's step graph: launches every step whose dependencies have finished,
/// concurrently, until none is left or the run stops launching.
struct GraphRunner: Sendable {
    var env: ExecutionEnvironment
    var scope: RunScope

    /// Runs the scope's steps; returns true when every step finished without halting the run.
    func run() async -> Bool {
        // The order `plan` shows: the same `StepGraph` (list order where `needs` allows).
        let graph: StepGraph
        do { graph = try StepGraph(scope.runbook) } catch {
            let reason = error.diagnostics.map(\.description).joined(separator: "; ")
            await env.coordinator.emit(RunEvent(.stepFailed, step: scope.prefix + "(graph)", message: reason))
            await env.coordinator.fail(step: scope.prefix + "(graph)", reason: reason, policy: .stop)
            return false
        }
        let byID = Dictionary(scope.runbook.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let steps = graph.order.compactMap { byID[$0] }
        let dependencies = steps.map { graph.dependencies(of: $0.id) }
        var finished: Set<String> = []
        var launched: Set<Int> = []
        var allFinished = true

        await withTaskGroup(of: (String, StepResult).self) { group in
            var running = 0
            while true {
                let before = launched.count
                if !(await env.coordinator.stopLaunching) {
                    for (index, step) in steps.enumerated() where !launched.contains(index) {
                        guard dependencies[index].allSatisfy(finished.contains) else { continue }
                        launched.insert(index)
                        running += 1
                        let runner = StepRunner(env: env, scope: scope, step: step)
                        group.addTask { (step.id, await runner.run()) }
                    }
                }
                // Nothing launched that will journal a start: the ended steps' lines get
                // durable now, not when the running ones end.
                if launched.count == before, running > 0 { await env.coordinator.settle() }
                guard running > 0, let (id, result) = await group.next() else { break }
                running -= 1
                // A halted step never counts as finished: nothing that needs it may start.
                if result == .halted { allFinished = false } else { finished.insert(id) }
            }
        }
        return allFinished && launched.count == steps.count
    }
}

/// How a whole step (all its instances) ended.
enum StepResult: Sendable, Hashable {
    case succeeded
    case skipped
    /// Failed under `on_failure: continue`.
    case failedContinued
    /// Failed, was interrupted or never started because the run stopped.
    case halted
}
