import RunbookYAML

/// Reads `hosts: {name: {address, transport, user, port, identity_file, become, vars}}` and
/// `groups: {name: [hosts] | {hosts: [...], children: [...]}}`.
struct YAMLInventoryReader {
    let file: String
    private static let topKeys = ["hosts", "groups"]
    private static let hostKeys = ["address", "transport", "user", "port", "identity_file", "become", "vars"]
    private static let groupKeys = ["hosts", "children"]

    func read(_ root: Node) throws(DiagnosticError) -> Inventory {
        var ds: [Diagnostic] = []
        guard let pairs = root.pairs else {
            throw DiagnosticError(.error("an inventory must be a mapping with 'hosts' and 'groups', found \(root.kindName)", at: root.location))
        }
        var inventory = Inventory(file: file)
        for pair in pairs {
            let key = pair.key.text ?? ""
            switch key {
            case "hosts": inventory.hosts = readHosts(pair.value, &ds)
            case "groups": break
            default: ds.append(unknownKey(key, at: pair.key.location, among: Self.topKeys))
            }
        }
        var direct: [String: (hosts: [Node], children: [Node])] = [:]
        var groupOrder: [String] = []
        if let groups = root["groups"] {
            if let gp = groups.pairs {
                for pair in gp {
                    let name = pair.key.text ?? ""
                    groupOrder.append(name)
                    direct[name] = readGroup(pair.value, &ds)
                }
            } else if !groups.isNull {
                ds.append(.error("'groups' must be a mapping of group name to hosts, found \(groups.kindName)", at: groups.location))
            }
        }
        let hostNames = inventory.hosts.map(\.name)
        for name in groupOrder {
            var members: [String] = []
            var seenGroups: Set<String> = [name]
            func add(_ group: String) {
                guard let entry = direct[group] else { return }
                for h in entry.hosts {
                    let hn = h.text ?? ""
                    guard hostNames.contains(hn) else { continue }
                    if !members.contains(hn) { members.append(hn) }
                }
                for c in entry.children where seenGroups.insert(c.text ?? "").inserted { add(c.text ?? "") }
            }
            add(name)
            inventory.groups[name] = members
            for h in direct[name]?.hosts ?? [] where !hostNames.contains(h.text ?? "") {
                ds.append(.error("group '\(name)' lists unknown host '\(h.text ?? "")'", at: h.location,
                                 hint: NearestName.hint(h.text ?? "", among: hostNames)))
            }
            for c in direct[name]?.children ?? [] where direct[c.text ?? ""] == nil {
                ds.append(.error("group '\(name)' lists unknown child group '\(c.text ?? "")'", at: c.location,
                                 hint: NearestName.hint(c.text ?? "", among: groupOrder)))
            }
        }
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        inventory.ensureAllGroup()
        return inventory
    }

    private func readHosts(_ node: Node, _ ds: inout [Diagnostic]) -> [InventoryHost] {
        guard let pairs = node.pairs else {
            if !node.isNull { ds.append(.error("'hosts' must be a mapping of host name to settings, found \(node.kindName)", at: node.location)) }
            return []
        }
        var hosts: [InventoryHost] = []
        for pair in pairs {
            var host = InventoryHost(name: pair.key.text ?? "")
            guard let fields = pair.value.pairs else {
                if !pair.value.isNull { ds.append(.error("host '\(host.name)' must be a mapping, found \(pair.value.kindName)", at: pair.value.location)) }
                hosts.append(host)
                continue
            }
            for field in fields {
                let key = field.key.text ?? ""
                let v = field.value
                switch key {
                case "address": host.address = string(v, key, &ds) ?? host.address
                case "user": host.user = string(v, key, &ds)
                case "identity_file": host.identityFile = string(v, key, &ds)
                case "port":
                    if let t = v.text, v.scalarStyle == .plain, let p = Int(t), (1...65535).contains(p) { host.port = p }
                    else { ds.append(.error("'port' must be a port number (1-65535), found \(v.kindName)", at: v.location)) }
                case "become":
                    if v.scalarStyle == .plain, v.text == "true" || v.text == "false" { host.become = v.text == "true" }
                    else { ds.append(.error("'become' must be true or false", at: v.location, hint: "write true or false")) }
                case "transport":
                    if let t = v.text, let kind = InventoryHost.TransportKind(rawValue: t) { host.transport = kind }
                    else { ds.append(.error("unknown transport '\(v.text ?? v.kindName)'", at: v.location, hint: "use local, ssh or sim")) }
                case "vars":
                    if case .map(let m) = NodeValue.value(of: v) { host.vars = m }
                    else { ds.append(.error("'vars' must be a mapping, found \(v.kindName)", at: v.location)) }
                default: ds.append(unknownKey(key, at: field.key.location, among: Self.hostKeys))
                }
            }
            hosts.append(host)
        }
        return hosts
    }

    private func readGroup(_ node: Node, _ ds: inout [Diagnostic]) -> (hosts: [Node], children: [Node]) {
        if let items = node.items { return (Array(items), []) }
        guard let pairs = node.pairs else {
            if !node.isNull { ds.append(.error("a group is a list of hosts or a mapping with 'hosts' and 'children', found \(node.kindName)", at: node.location)) }
            return ([], [])
        }
        var hosts: [Node] = [], children: [Node] = []
        for pair in pairs {
            switch pair.key.text ?? "" {
            case "hosts": hosts = list(pair.value, &ds)
            case "children": children = list(pair.value, &ds)
            default: ds.append(unknownKey(pair.key.text ?? "", at: pair.key.location, among: Self.groupKeys))
            }
        }
        return (hosts, children)
    }

    private func list(_ node: Node, _ ds: inout [Diagnostic]) -> [Node] {
        if let items = node.items { return Array(items) }
        if !node.isNull { ds.append(.error("expected a list of names, found \(node.kindName)", at: node.location)) }
        return []
    }

    private func string(_ node: Node, _ key: String, _ ds: inout [Diagnostic]) -> String? {
        guard let t = node.text, !node.isNull else {
            ds.append(.error("'\(key)' must be a string, found \(node.kindName)", at: node.location))
            return nil
        }
        return t
    }

    private func unknownKey(_ key: String, at: SourceLocation, among: [String]) -> Diagnostic {
        .error("unknown key '\(key)'", at: at, hint: NearestName.hint(key, among: among) ?? "expected one of: \(among.joined(separator: ", "))")
    }
}

/// Converts YAML nodes to values: plain scalars may be ints, bools or null; quoted ones are strings.
enum NodeValue {
    static func value(of node: Node) -> Value {
        switch node.kind {
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.text) }
            if node.isNull { return .null }
            if let i = Int(s.text) { return .int(i) }
            if s.text == "true" { return .bool(true) }
            if s.text == "false" { return .bool(false) }
            return .string(s.text)
        case .sequence(let items): return .list(items.map(value(of:)))
        case .mapping(let pairs):
            var m: [String: Value] = [:]
            for p in pairs { m[p.key.text ?? ""] = value(of: p.value) }
            return .map(m)
        }
    }
}
