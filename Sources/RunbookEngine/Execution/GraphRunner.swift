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
        let position = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Per step: how many of its dependencies have not finished, and which steps wait for it.
        // A step is ready when its count reaches 0; each round launches the ready ones in plan
        // order. (Scanning every step for every finished one was quadratic: 3% of a 300-step run.)
        var waitingFor = [Int](repeating: 0, count: steps.count)
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (index, step) in steps.enumerated() {
            for dependency in graph.dependencies(of: step.id) {
                // A dependency that is not a step (the checker refuses it) never finishes.
                waitingFor[index] += 1
                if let before = position[dependency] { dependents[before].append(index) }
            }
        }
        var ready = waitingFor.indices.filter { waitingFor[$0] == 0 }
        var launched = 0
        var allFinished = true

        await withTaskGroup(of: (Int, StepResult).self) { group in
            var running = 0
            while true {
                let before = launched
                if !ready.isEmpty, !(await env.coordinator.stopLaunching) {
                    for index in ready.sorted() {
                        launched += 1
                        running += 1
                        let runner = StepRunner(env: env, scope: scope, step: steps[index])
                        group.addTask { (index, await runner.run()) }
                    }
                    ready.removeAll()
                }
                // Nothing launched that will journal a start: the ended steps' lines get
                // durable now, not when the running ones end.
                if launched == before, running > 0 { await env.coordinator.settle() }
                guard running > 0, let (index, result) = await group.next() else { break }
                running -= 1
                // A halted step never counts as finished: nothing that needs it may start.
                if result == .halted {
                    allFinished = false
                    continue
                }
                for dependent in dependents[index] {
                    waitingFor[dependent] -= 1
                    if waitingFor[dependent] == 0 { ready.append(dependent) }
                }
            }
        }
        return allFinished && launched == steps.count
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
