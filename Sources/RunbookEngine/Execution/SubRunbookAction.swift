import RunbookYAML
import RunbookCore

/// `use`: runs a sub-runbook's steps with its own params, ids namespaced `parent/child`.
struct SubRunbookAction: Sendable {
    var runner: InstanceRunner

    func run(_ use: Use) async -> InstanceResult {
        let env = runner.env
        let parent = runner.scope
        let context = await env.context(for: parent)
        guard let sub = Self.lookup(use.reference, from: parent.runbook.file, in: env.subRunbooks) else {
            return await runner.conclude(.failed("sub-runbook '\(use.reference)' was not loaded", nil), context: context)
        }
        var params: [String: Value] = [:]
        var secrets: Set<String> = Set(sub.params.filter(\.secret).map(\.name))
        for (name, template) in use.with {
            do {
                let rendered = try env.render(template, context, .text)
                if !rendered.secrets.isEmpty { secrets.insert(name) }
                params[name] = Self.coerce(rendered.text, to: sub.param(name)?.kind ?? .string)
            } catch {
                guard await runner.started() else { return .halted }
                return await runner.conclude(.failed(error.description, nil), context: context)
            }
        }
        let missing = sub.params.filter { $0.required && params[$0.name] == nil }.map(\.name)
        guard await runner.started(command: "use \(use.reference)") else { return .halted }
        if !missing.isEmpty {
            return await runner.conclude(
                .failed("sub-runbook '\(sub.name)' needs param(s) \(missing.joined(separator: ", "))", nil),
                context: context)
        }
        let scope = RunScope(prefix: parent.qualified(runner.step.id) + "/", runbook: sub,
                             params: RunScope.resolvedParams(params, for: sub), secretParams: secrets)
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

    /// By name, or by a relative path's file name without `.yaml`.
    /// Finds a sub-runbook by the path `UseResolver` resolved it to (beside the parent file), else by name.
    static func lookup(_ reference: String, from parentFile: String, in runbooks: [String: Runbook]) -> Runbook? {
        if let r = runbooks[UseResolver.path(of: reference, from: parentFile)] { return r }
        if let r = runbooks[reference] { return r }
        var name = reference.split(separator: "/").last.map(String.init) ?? reference
        if name.hasSuffix(".yaml") { name.removeLast(5) }
        return runbooks[name]
    }

    /// `with` values arrive as text; the sub-runbook's param types decide what they become.
    static func coerce(_ text: String, to kind: Param.Kind) -> Value {
        switch kind {
        case .int: Int(text).map(Value.int) ?? .string(text)
        case .bool: text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case .list: .list(text.split(separator: " ").map { .string(String($0)) })
        case .string, .duration: .string(text)
        }
    }
}
