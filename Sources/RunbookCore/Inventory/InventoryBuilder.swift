import RunbookYAML

/// Groups, hosts and variables as Ansible's `InventoryData` keeps them, filled by the INI and
/// YAML readers, then resolved into an `Inventory` the way ansible-core does:
/// - `all` and `ungrouped` always exist; a group without parent becomes a child of `all`; a host
///   in no group lands in `ungrouped`, and leaves it once it is in any other group;
/// - a group may not be its own descendant (Ansible refuses such a cycle);
/// - a group's hosts are its own, then those of its children, breadth first, each host once;
/// - a host's variables: `all`'s, then its groups' sorted by (depth, `ansible_group_priority`,
///   name), then its own; the later wins.
/// Every step is linear in the size of the inventory (sets for membership, breadth-first walks).
struct InventoryBuilder {
    struct Var { var value: Value; var location: SourceLocation }

    struct Group {
        var hosts: [String] = []
        var hostSet: Set<String> = []
        var children: [String] = []
        var parents: [String] = []
        var vars: [String: Var] = [:]
        var priority = 1
    }

    private(set) var groupOrder = ["all", "ungrouped"]
    private(set) var groups: [String: Group] = ["all": Group(children: ["ungrouped"]), "ungrouped": Group(parents: ["all"])]
    private(set) var hostOrder: [String] = []
    private var hostVars: [String: [String: Var]] = [:]
    /// The groups each host was put in directly.
    private var hostGroups: [String: [String]] = [:]

    func hasGroup(_ name: String) -> Bool { groups[name] != nil }

    mutating func addGroup(_ name: String) {
        guard groups[name] == nil else { return }
        groups[name] = Group()
        groupOrder.append(name)
    }

    /// Adds `name` (once) and puts it in `group`; a port is set only when the host is new, as in Ansible.
    mutating func addHost(_ name: String, group: String?, port: Int?, at location: SourceLocation) {
        if hostVars[name] == nil {
            hostOrder.append(name)
            hostVars[name] = [:]
            hostGroups[name] = []
            if let port { hostVars[name]?["ansible_port"] = Var(value: .int(port), location: location) }
        }
        guard let group else { return }
        addGroup(group)
        if groups[group]?.hostSet.insert(name).inserted == true {
            groups[group]?.hosts.append(name)
            hostGroups[name]?.append(group)
        }
    }

    mutating func setHostVar(_ host: String, _ key: String, _ value: Value, at location: SourceLocation) {
        hostVars[host]?[key] = Var(value: value, location: location)
    }

    /// `ansible_group_priority` orders groups instead of being a variable, as in Ansible.
    /// - Throws: `Diagnostic` when the priority is not an integer.
    mutating func setGroupVar(_ group: String, _ key: String, _ value: Value, at location: SourceLocation) throws(Diagnostic) {
        addGroup(group)
        guard key == "ansible_group_priority" else {
            groups[group]?.vars[key] = Var(value: value, location: location)
            return
        }
        switch value {
        case .int(let p): groups[group]?.priority = p
        case .string(let s) where Int(s) != nil: groups[group]?.priority = Int(s) ?? 1
        default: throw .error("ansible_group_priority must be an integer, found '\(value)'", at: location)
        }
    }

    /// Makes `child` a child group of `parent`.
    /// - Throws: `Diagnostic` at `location` when that would make a group its own descendant.
    mutating func addChild(_ parent: String, _ child: String, at location: SourceLocation) throws(Diagnostic) {
        addGroup(parent)
        addGroup(child)
        guard groups[parent]?.children.contains(child) != true else { return }
        if parent == child || descendants(of: child).contains(parent) {
            throw .error("group '\(parent)' lists '\(child)' as a child, but '\(child)' already contains '\(parent)': groups may not form a cycle",
                         at: location, hint: "remove one of the two children entries")
        }
        groups[parent]?.children.append(child)
        groups[child]?.parents.append(parent)
    }

    /// `group` and every group below it, breadth first, each once.
    func descendants(of group: String) -> [String] { walk(from: group, along: \.children) }

    /// `group` and every group above it.
    private func ancestors(of group: String) -> [String] { walk(from: group, along: \.parents) }

    /// Breadth-first walk over one relation, each group once.
    private func walk(from group: String, along relation: KeyPath<Group, [String]>) -> [String] {
        var order = [group]
        var seen: Set<String> = [group]
        var next = 0
        while next < order.count {
            for g in groups[order[next]]?[keyPath: relation] ?? [] where seen.insert(g).inserted { order.append(g) }
            next += 1
        }
        return order
    }

    /// Ansible's `reconcile_inventory`, then the resolved inventory.
    /// - Throws: `DiagnosticError` for bad connection variables (`ansible_port=ssh`).
    mutating func build(file: String) throws(DiagnosticError) -> Inventory {
        for g in groupOrder where g != "all" && groups[g]?.parents.isEmpty == true {
            groups["all"]?.children.append(g)
            groups[g]?.parents.append("all")
        }
        var leaveUngrouped: Set<String> = []
        for h in hostOrder {
            let direct = hostGroups[h] ?? []
            if direct.contains("ungrouped"), direct.contains(where: { $0 != "all" && $0 != "ungrouped" }) {
                leaveUngrouped.insert(h)
                hostGroups[h]?.removeAll { $0 == "ungrouped" }
            } else if direct.allSatisfy({ $0 == "all" }) {
                addHost(h, group: "ungrouped", port: nil, at: SourceLocation(file: file, line: 1, column: 1))
            }
        }
        groups["ungrouped"]?.hosts.removeAll { leaveUngrouped.contains($0) }
        groups["ungrouped"]?.hostSet.subtract(leaveUngrouped)
        let depth = depths()
        var ds: [Diagnostic] = []
        var hosts: [InventoryHost] = []
        hosts.reserveCapacity(hostOrder.count)
        var ancestorsOf: [String: [String]] = [:]
        for name in hostOrder {
            var mine: Set<String> = []
            for g in hostGroups[name] ?? [] {
                if ancestorsOf[g] == nil { ancestorsOf[g] = ancestors(of: g) }
                mine.formUnion(ancestorsOf[g] ?? [])
            }
            let sorted = mine.sorted {
                let a = (depth[$0] ?? 0, groups[$0]?.priority ?? 1), b = (depth[$1] ?? 0, groups[$1]?.priority ?? 1)
                return a != b ? a < b : $0 < $1
            }
            var merged: [String: Var] = [:]
            for g in sorted { merged.merge(groups[g]?.vars ?? [:]) { _, new in new } }
            merged.merge(hostVars[name] ?? [:]) { _, new in new }
            hosts.append(ConnectionVars.host(name, merged, &ds))
        }
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        var inventory = Inventory(hosts: hosts, file: file)
        for g in groupOrder {
            var members: [String] = []
            var seen: Set<String> = []
            for d in descendants(of: g) {
                for h in groups[d]?.hosts ?? [] where seen.insert(h).inserted { members.append(h) }
            }
            let group = groups[g] ?? Group()
            if g != "ungrouped" || !members.isEmpty { inventory.groups[g] = members }
            inventory.tree[g] = InventoryGroup(hosts: group.hosts, children: group.children, priority: group.priority)
        }
        inventory.groupOrder = groupOrder
        return inventory
    }

    /// Each group's depth: the longest path from `all` (Ansible's `Group.depth`), in one topological pass.
    private func depths() -> [String: Int] {
        var indegree: [String: Int] = [:]
        for g in groupOrder { indegree[g] = groups[g]?.parents.count ?? 0 }
        var depth: [String: Int] = [:]
        var queue = groupOrder.filter { indegree[$0] == 0 }
        var next = 0
        while next < queue.count {
            let g = queue[next]
            next += 1
            for c in groups[g]?.children ?? [] {
                depth[c] = max(depth[c] ?? 0, (depth[g] ?? 0) + 1)
                indegree[c, default: 0] -= 1
                if indegree[c] == 0 { queue.append(c) }
            }
        }
        return depth
    }
}
