import RunbookYAML
import RunbookCore

/// `use`: runs a sub-runbook's steps with its own params, ids namespaced `parent/child`.
struct SubRunbookAction: Sendable {
    var runner: InstanceRunner

    func run(_ use: Use) async -> InstanceResult {
        let env = runner.env
        let parent = runner.scope
        let context = await env.context(for: parent)
        guard let sub = StepResolver.subRunbook(use.reference, from: parent.runbook.file, in: env.subRunbooks) else {
            return await runner.conclude(.failed("sub-runbook '\(use.reference)' was not loaded", nil), context: context)
        }
        let params: (values: [String: Value], secrets: Set<String>)
        do {
            params = try env.resolver.subRunbookParams(use, of: sub, in: context)
        } catch {
            guard await runner.started() else { return .halted }
            return await runner.conclude(.failed(error.description, nil), context: context)
        }
        guard await runner.started(command: "use \(use.reference)") else { return .halted }
        let scope = RunScope(prefix: parent.qualified(runner.step.id) + "/", runbook: sub,
                             params: params.values, secretParams: params.secrets)
        let finished = await GraphRunner(env: env, scope: scope).run()
        if finished { return await runner.conclude(.succeeded([:]), context: context) }
        if let halt = await env.coordinator.halt, halt.step.hasPrefix(scope.prefix),
            !(await env.coordinator.interrupted)
        {
            return await runner.conclude(.failed("sub-runbook step \(halt.step) failed: \(halt.reason)", nil),
                                         context: context)
        }
        return .halted
    }
}
