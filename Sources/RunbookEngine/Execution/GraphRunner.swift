/// Walks one scope's step graph: launches every step whose dependencies have finished,
/// concurrently, until none is left or the run stops launching.
struct GraphRunner: Sendable {
    var env: ExecutionEnvironment
    var scope: RunScope

    /// Runs the scope's steps; returns true when every step finished without halting the run.
    func run() async -> Bool {
        let steps = scope.runbook.steps
        let dependencies = steps.enumerated().map { index, step -> [String] in
            if let needs = step.needs { return needs.map(\.id) }
            return index == 0 ? [] : [steps[index - 1].id]
        }
        var finished: Set<String> = []
        var launched: Set<Int> = []
        var allFinished = true

        await withTaskGroup(of: (String, StepResult).self) { group in
            var running = 0
            while true {
                if !(await env.coordinator.stopLaunching) {
                    for (index, step) in steps.enumerated() where !launched.contains(index) {
                        guard dependencies[index].allSatisfy(finished.contains) else { continue }
                        launched.insert(index)
                        running += 1
                        let runner = StepRunner(env: env, scope: scope, step: step)
                        group.addTask { (step.id, await runner.run()) }
                    }
                }
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
