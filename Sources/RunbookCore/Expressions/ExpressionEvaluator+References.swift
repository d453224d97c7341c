import RunbookYAML

extension ExpressionEvaluator {
    /// The roots a reference may start with, for did-you-mean hints.
    static let roots = ["params", "steps", "hosts", "item", "host"]

    func reference(_ path: [String], _ at: SourceLocation) throws(Diagnostic) -> EvaluatedValue {
        guard let root = path.first else { throw .error("empty reference", at: at) }
        let dotted = path.joined(separator: ".")
        switch root {
        case "params":
            guard path.count >= 2 else { throw .error("'params' needs a name: params.<name>", at: at) }
            let name = path[1]
            guard let value = context.params[name] else {
                throw .error("unknown param '\(name)'", at: at, hint: NearestName.hint(name, among: context.params.keys))
            }
            let secret = context.secretParams.contains(name)
            return EvaluatedValue(.known(try member(value, Array(path.dropFirst(2)), dotted, at)), secret: secret)
        case "steps":
            return try stepReference(path, dotted, at)
        case "hosts":
            guard path.count == 2 else { throw .error("expected hosts.<group>, found '\(dotted)'", at: at) }
            guard let members = context.inventory.groups[path[1]] else {
                throw .error("unknown inventory group '\(path[1])'", at: at,
                             hint: NearestName.hint(path[1], among: context.inventory.groups.keys))
            }
            return EvaluatedValue(.known(.list(members.map(Value.string))))
        case "item":
            guard let item = context.item else {
                throw .error("'item' is only available in a step with for_each", at: at)
            }
            return EvaluatedValue(.known(try member(item, Array(path.dropFirst()), dotted, at)))
        case "host":
            return EvaluatedValue(.known(try hostReference(path, dotted, at)))
        default:
            throw .error("unknown reference '\(dotted)'", at: at,
                         hint: NearestName.hint(root, among: Self.roots).map { "\($0) (references start with params, steps, hosts, item or host)" }
                             ?? "references start with params, steps, hosts, item or host")
        }
    }

    private func stepReference(_ path: [String], _ dotted: String, _ at: SourceLocation) throws(Diagnostic) -> EvaluatedValue {
        let shapeHint = "write steps.<id>.outputs.<name> or steps.<id>.status"
        guard path.count >= 3 else { throw .error("incomplete reference '\(dotted)'", at: at, hint: shapeHint) }
        let id = path[1]
        guard let step = context.steps[id] else {
            if context.allowUnknown { return EvaluatedValue(.unknown("<\(dotted)>")) }
            throw .error("step '\(id)' has not run, so '\(dotted)' has no value", at: at)
        }
        switch path[2] {
        case "status" where path.count == 3:
            return EvaluatedValue(.known(.string(step.status)))
        case "outputs" where path.count >= 4:
            guard let output = step.outputs[path[3]] else {
                if step.unavailableOutputs.contains(path[3]) {
                    throw .error("step '\(id)' has no value for output '\(path[3])': it was recorded as done on resume (its verify held, or --skip) without its command's output being read, so '\(dotted)' is unknown",
                                 at: at, hint: "resume with --from \(id) to run it again and capture its output")
                }
                throw .error("step '\(id)' has no output '\(path[3])'", at: at,
                             hint: NearestName.hint(path[3], among: step.outputs.keys))
            }
            return EvaluatedValue(.known(try member(output, Array(path.dropFirst(4)), dotted, at)))
        default:
            throw .error("unknown reference '\(dotted)'", at: at, hint: shapeHint)
        }
    }

    private func hostReference(_ path: [String], _ dotted: String, _ at: SourceLocation) throws(Diagnostic) -> Value {
        let host = context.host ?? .local
        guard path.count >= 2 else { return .string(host.name) }
        switch path[1] {
        case "name" where path.count == 2: return .string(host.name)
        case "address" where path.count == 2: return .string(host.address)
        case "user" where path.count == 2: return host.user.map(Value.string) ?? .null
        case "port" where path.count == 2: return host.port.map(Value.int) ?? .null
        case "vars" where path.count >= 3:
            guard let v = host.vars[path[2]] else {
                throw .error("host '\(host.name)' has no variable '\(path[2])'", at: at,
                             hint: NearestName.hint(path[2], among: host.vars.keys))
            }
            return try member(v, Array(path.dropFirst(3)), dotted, at)
        default:
            throw .error("unknown reference '\(dotted)'", at: at,
                         hint: "write host, host.name, host.address, host.user, host.port or host.vars.<name>")
        }
    }

    /// Follows `.key` steps into maps (`params.cfg.region`).
    private func member(_ value: Value, _ rest: [String], _ dotted: String, _ at: SourceLocation) throws(Diagnostic) -> Value {
        var current = value
        for key in rest {
            guard case .map(let m) = current else {
                throw .error("'\(dotted)': cannot take '.\(key)' of \(current.typeName)", at: at)
            }
            guard let next = m[key] else {
                throw .error("'\(dotted)': no key '\(key)'", at: at, hint: NearestName.hint(key, among: m.keys))
            }
            current = next
        }
        return current
    }
}
