import RunbookYAML
import RunbookCore

/// Runs one step: resolves its hosts and `for_each` items into instances, runs them (bounded by
/// `max_parallel`, stopping after `max_failures`), and folds their results into the step's status.
struct StepRunner: Sendable {
    var env: ExecutionEnvironment
    var scope: RunScope
    var step: Step

    func run() async -> StepResult {
        let id = scope.qualified(step.id)
        let context = await env.context(for: scope)
        let instances: [PlannedInstance]
        do {
            instances = try await plannedInstances(context)
        } catch {
            await env.coordinator.emit(RunEvent(.stepFailed, step: id, message: error.description))
            await env.coordinator.fail(step: id, reason: error.description, policy: step.onFailure)
            return await finish(results: [(id, .failed(error.description))], planned: 1)
        }
        if instances.isEmpty {
            await env.coordinator.emit(RunEvent(.stepSkipped, step: id, message: "for_each has no items"))
            await env.coordinator.setStepContext(scope: scope.prefix, id: step.id, .init(status: "skipped"))
            return .skipped
        }
        let limit = max(1, step.maxParallel ?? step.forEach?.maxParallel ?? instances.count)
        let maxFailures = step.maxFailures ?? step.forEach?.maxFailures ?? 0
        var results: [(key: String, result: InstanceResult)] = []
        var failures = 0

        await withTaskGroup(of: (Int, InstanceResult).self) { group in
            var next = 0
            var running = 0
            var collected: [Int: InstanceResult] = [:]
            while true {
                let before = next
                while running < limit, next < instances.count, failures <= maxFailures,
                    !(await env.coordinator.stopLaunching)
                {
                    let index = next
                    let runner = InstanceRunner(env: env, scope: scope, step: step, planned: instances[index])
                    group.addTask { (index, await runner.run()) }
                    next += 1
                    running += 1
                }
                // Nothing launched that will journal a start: the ended instances' lines get
                // durable now, not when the running ones end.
                if next == before, running > 0 { await env.coordinator.settle() }
                guard running > 0, let (index, result) = await group.next() else { break }
                running -= 1
                collected[index] = result
                if case .failed(let reason) = result {
                    failures += 1
                    if failures > maxFailures {
                        await env.coordinator.fail(step: instances[index].key, reason: reason, policy: step.onFailure)
                    }
                }
            }
            results = collected.keys.sorted().compactMap { i in collected[i].map { (instances[i].key, $0) } }
        }
        return await finish(results: results, planned: instances.count, maxFailures: maxFailures)
    }

    /// Folds instance results into the step's status and `steps.<id>` context.
    private func finish(results: [(key: String, result: InstanceResult)], planned: Int, maxFailures: Int = 0) async
        -> StepResult
    {
        let failed = results.filter { if case .failed = $0.result { true } else { false } }
        if failed.count > maxFailures {
            await env.coordinator.setStepContext(scope: scope.prefix, id: step.id, .init(status: "failed"))
            return step.onFailure == .continue ? .failedContinued : .halted
        }
        if results.count < planned || results.contains(where: { $0.result == .halted }) { return .halted }
        let succeeded = results.compactMap { if case .succeeded(let o) = $0.result { o } else { nil } }
        if succeeded.isEmpty && failed.isEmpty {
            await env.coordinator.setStepContext(scope: scope.prefix, id: step.id, .init(status: "skipped"))
            return .skipped
        }
        var outputs: [String: Value] = [:]
        if planned == 1, let only = succeeded.first {
            outputs = only
        } else {
            // Several instances: each output becomes the list of the instances' values, in instance order.
            for capture in step.capture {
                outputs[capture.name] = .list(succeeded.compactMap { $0[capture.name] })
            }
        }
        // An instance found done on resume (verify probe, --skip) has no captures: a value built
        // without it would be wrong, so references to it fail with the reason.
        let unavailable = Set(step.capture.map(\.name).filter { name in succeeded.contains { $0[name] == nil } })
        for name in unavailable { outputs.removeValue(forKey: name) }
        await env.coordinator.setStepContext(scope: scope.prefix, id: step.id,
                                             .init(status: "succeeded", outputs: outputs, unavailableOutputs: unavailable))
        return .succeeded
    }

    /// Hosts × items, in order, by the resolver `plan` uses.
    private func plannedInstances(_ context: EvaluationContext) async throws(Diagnostic) -> [PlannedInstance] {
        let id = scope.qualified(step.id)
        if case .use = step.action { return [PlannedInstance(stepID: id, host: nil, item: nil)] }
        return try env.resolver.instances(of: step, in: context).map {
            PlannedInstance(stepID: id, host: $0.host, item: $0.item?.value)
        }
    }
}

/// One instance to run: the step on one host (nil = the local machine, unnamed in keys) for one item.
struct PlannedInstance: Sendable {
    var stepID: String
    var host: InventoryHost?
    var item: Value?

    var instance: StepInstance { StepInstance(stepID: stepID, host: host?.name, item: item.map(\.description)) }
    var key: String { instance.key }
}

/// How one instance ended.
enum InstanceResult: Sendable, Hashable {
    case succeeded([String: Value])
    case skipped
    case failed(String)
    /// Interrupted, refused approval, never started because the run stopped, or the journal failed.
    case halted
}
